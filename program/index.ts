// The root program: one stack per environment, configured only through stack configuration
// (docs/deploy.md; every key in docs/reference.md). `pulumi up` runs it; `npm run render`
// evaluates it offline.
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp, GatewayWaf, IstioApp } from "../sdk";
import { AppPlan, currentStack, readStackPlan } from "./config";

// Every value is checked here first, so a bad one names its config key and a fix.
const plan = readStackPlan(currentStack());
const fleet = plan.fleet ? new AgentService(plan.fleet.name, plan.fleet.args) : undefined;
const gateway = plan.gateway ? new GatewayWaf(plan.gateway.name, plan.gateway.args) : undefined;

/** One app's component, and what the stack shows of it. */
function deploy(a: AppPlan) {
    if (a.layout === "mesh") {
        const c = new IstioApp(a.name, a.args);
        return { frontUrl: c.url, agentGrpcEndpoint: c.agentGrpcEndpoint, namespace: c.namespace, deploymentName: c.deploymentName };
    }
    const c = new EnvoyApp(a.name, a.shared ? { ...a.args, agentService: fleet!.link() } : a.args);
    return { frontUrl: c.frontUrl, agentGrpcEndpoint: c.agentGrpcEndpoint, namespace: c.namespace, deploymentName: c.deploymentName };
}
const deployed = plan.apps.map(deploy);

// One app: its endpoint and URL. Several: the fleet's endpoint, and each app's by name. A Gateway: its policy and agents.
const single = plan.multi ? undefined : deployed[0];
export const agentGrpcEndpoint = single ? single.agentGrpcEndpoint : (fleet?.grpcEndpoint ?? gateway?.agentGrpcEndpoint);
export const frontUrl = single?.frontUrl;
export const namespace = single?.namespace;
export const deploymentName = single?.deploymentName;
export const apps = plan.multi ? pulumi.output(Object.fromEntries(deployed.map((d, i) => [plan.apps[i].name, d]))) : undefined;
export const envoyGateway = gateway
    ? pulumi.output({ policyName: gateway.policyName, targets: gateway.targets, namespace: gateway.namespace, agentGrpcEndpoint: gateway.agentGrpcEndpoint })
    : undefined;
