// The root program: one stack per environment, configured only through stack configuration
// (see README, "Stack configuration"). `pulumi up` runs it; `npm run render` evaluates it offline.
import { EnvoyApp } from "../sdk";
import { currentStack, readStackConfig } from "./config";

// Every value is checked here first, so a bad one names its config key and a fix.
const { name, args } = readStackConfig(currentStack());
const app = new EnvoyApp(name, args);

export const agentGrpcEndpoint = app.agentGrpcEndpoint;
export const frontUrl = app.frontUrl;
export const namespace = app.namespace;
export const deploymentName = app.deploymentName;
