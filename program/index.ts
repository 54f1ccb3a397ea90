// The root program: one stack per environment, configured only through stack configuration
// (README, "Deploy"; every key in docs/reference.md). `pulumi up` runs it; `npm run render`
// evaluates it offline.
import * as pulumi from "@pulumi/pulumi";
import { AgentService, EnvoyApp } from "../sdk";
import { currentStack, readStackPlan } from "./config";

// Every value is checked here first, so a bad one names its config key and a fix.
const plan = readStackPlan(currentStack());
const fleet = plan.fleet ? new AgentService(plan.fleet.name, plan.fleet.args) : undefined;
const components = plan.apps.map((a) => new EnvoyApp(a.name, a.shared ? { ...a.args, agentService: fleet!.link() } : a.args));

// One app: its endpoint and URL. Several: the fleet's endpoint, and each app's by name.
const single = plan.multi ? undefined : components[0];
export const agentGrpcEndpoint = single ? single.agentGrpcEndpoint : fleet?.grpcEndpoint;
export const frontUrl = single?.frontUrl;
export const namespace = single?.namespace;
export const deploymentName = single?.deploymentName;
export const apps = plan.multi
    ? pulumi.output(
          Object.fromEntries(components.map((c, i) => [plan.apps[i].name, { frontUrl: c.frontUrl, agentGrpcEndpoint: c.agentGrpcEndpoint, namespace: c.namespace, deploymentName: c.deploymentName }])),
      )
    : undefined;
