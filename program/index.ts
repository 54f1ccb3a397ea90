// The root program: one stack per environment, configured only through stack configuration
// (see README, "Stack configuration"). `pulumi up` runs it; `npm run render` evaluates it offline.
import * as pulumi from "@pulumi/pulumi";
import { EnvoyApp } from "../sdk";
import { asConfigError, readStackConfig } from "./config";

const config = new pulumi.Config();
const { name, layout, args } = readStackConfig(config);

let app: EnvoyApp;
try {
    app = new EnvoyApp(name, args);
} catch (e) {
    throw asConfigError(config.name, layout, e);
}

export const agentGrpcEndpoint = app.agentGrpcEndpoint;
export const frontUrl = app.frontUrl;
export const namespace = app.namespace;
export const deploymentName = app.deploymentName;
