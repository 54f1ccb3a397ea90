// One row per input rule: a bad input and the exact message a user gets. The tests assert each
// message; the reference's error table is generated from this list.
import { guideArgs } from "../fixtures";

export interface BadInput {
    /** The rule, as the table of errors in docs/reference.md names it. */
    rule: string;
    component: "EnvoyApp" | "AgentService";
    args: () => any;
    message: string;
    /** The component's name, when the name is what is wrong. */
    name?: string;
}

const creds = { accessKeyId: "a", secretAccessKey: "b" };
const agents = (more: object) => ({ credentials: creds, ...more });

export const INPUT_RULES: BadInput[] = [
    // names and labels
    { rule: "a component name that cannot name a Service", component: "EnvoyApp", name: "Hello_World", args: () => guideArgs(),
        message: 'sigsci-envoy: invalid "name": got "Hello_World"; expected a DNS-1035 label: at most 63 lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit' },
    { rule: "a namespace that is not a DNS-1123 label", component: "EnvoyApp", args: () => guideArgs({ namespace: "Shop_1" }),
        message: 'sigsci-envoy: invalid "namespace": got "Shop_1"; expected a DNS-1123 label: at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit' },
    { rule: "a label value Kubernetes refuses", component: "EnvoyApp", args: () => guideArgs({ labels: { team: "pay ments" } }),
        message: 'sigsci-envoy: invalid "labels.team": got "pay ments"; expected a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit' },
    { rule: "a label key Kubernetes refuses", component: "EnvoyApp", args: () => guideArgs({ labels: { "Team/Name/x": "a" } }),
        message: 'sigsci-envoy: invalid "labels key": got "Team/Name/x"; expected a label name: an optional DNS subdomain and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\'' },
    { rule: "an existing Secret name that is not a DNS-1123 subdomain", component: "EnvoyApp", args: () => guideArgs({ credentials: { existingSecretName: "Sigsci_Keys" } }),
        message: 'sigsci-envoy: invalid "credentials.existingSecretName": got "Sigsci_Keys"; expected a DNS-1123 subdomain: at most 253 lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit' },
    { rule: "an app name too long for its own agent Service", component: "EnvoyApp", name: "a".repeat(60), args: () => guideArgs({ agentService: { create: {} } }),
        message: `sigsci-envoy: invalid "name": got "${"a".repeat(60)}"; expected at most 57 characters when the app creates its own agent Service (named <name>-agent)` },
    // ports
    { rule: "a port out of range", component: "EnvoyApp", args: () => guideArgs({ agent: { grpcPort: 70000 } }),
        message: 'sigsci-envoy: invalid "agent.grpcPort": got 70000; expected a port number from 1 to 65535' },
    { rule: "two listeners of one pod on one port", component: "EnvoyApp", args: () => guideArgs({ agent: { grpcPort: 8080 } }),
        message: 'sigsci-envoy: invalid "agent.grpcPort": got 8080; expected a port not already used by "app.port" in the same pod' },
    { rule: "Envoy's admin port on the front port", component: "EnvoyApp", args: () => guideArgs({ envoy: { adminPort: 8000 } }),
        message: 'sigsci-envoy: invalid "envoy.adminPort": got 8000; expected a port not already used by "port" in the same pod' },
    // replicas and autoscaling
    { rule: "negative replicas", component: "EnvoyApp", args: () => guideArgs({ replicas: -1 }),
        message: 'sigsci-envoy: invalid "replicas": got -1; expected a whole number from 0 to 10000' },
    { rule: "replicas beside an autoscaler", component: "AgentService", args: () => agents({ replicas: 3, autoscaling: { maxReplicas: 5 } }),
        message: 'sigsci-envoy: invalid "replicas": got 3; expected nothing when autoscaling is given (the autoscaler owns the replica count)' },
    { rule: "an autoscaler minimum above its maximum", component: "AgentService", args: () => agents({ autoscaling: { minReplicas: 6, maxReplicas: 5 } }),
        message: 'sigsci-envoy: invalid "autoscaling.minReplicas": got 6; expected at most autoscaling.maxReplicas (5)' },
    { rule: "the same, in an app's own agent Service", component: "EnvoyApp", args: () => guideArgs({ agentService: { create: { autoscaling: { minReplicas: 4, maxReplicas: 2 } } } }),
        message: 'sigsci-envoy: invalid "agentService.create.autoscaling.minReplicas": got 4; expected at most agentService.create.autoscaling.maxReplicas (2)' },
    { rule: "an autoscaler target of 0%", component: "AgentService", args: () => agents({ autoscaling: { maxReplicas: 5, cpuUtilization: 0 } }),
        message: 'sigsci-envoy: invalid "autoscaling.cpuUtilization": got 0; expected a whole number from 1 to 1000' },
    { rule: "a disruption budget of 0", component: "EnvoyApp", args: () => guideArgs({ maxUnavailable: 0 }),
        message: 'sigsci-envoy: invalid "maxUnavailable": got 0; expected a whole number from 1 to 10000' },
    { rule: "no client namespace", component: "AgentService", args: () => agents({ clientNamespaces: [] }),
        message: 'sigsci-envoy: invalid "clientNamespaces": got []; expected at least one namespace' },
    // durations, byte limits, quantities
    { rule: "a duration in Go form", component: "EnvoyApp", args: () => guideArgs({ inspection: { timeout: "200ms" } }),
        message: 'sigsci-envoy: invalid "inspection.timeout": got "200ms"; expected a positive duration in seconds such as "0.2s" or "1s", at most 315576000000s (protobuf\'s limit)' },
    { rule: "a body limit of 0 bytes", component: "EnvoyApp", args: () => guideArgs({ inspection: { maxRequestBytes: 0 } }),
        message: 'sigsci-envoy: invalid "inspection.maxRequestBytes": got 0; expected a whole number from 1 to 8388608' },
    { rule: "a malformed quantity", component: "EnvoyApp", args: () => guideArgs({ agent: { resources: { limits: { memory: "lots" } } } }),
        message: 'sigsci-envoy: invalid "agent.resources.limits.memory": got "lots"; expected a Kubernetes quantity such as "250m", "1", "512Mi" or "1Gi" (not negative)' },
    { rule: "a request above its limit", component: "EnvoyApp", args: () => guideArgs({ app: { image: "a:1", resources: { requests: { memory: "1Gi" } } } }),
        message: 'sigsci-envoy: invalid "app.resources.requests.memory": got "1Gi"; expected at most app.resources.limits.memory ("256Mi")' },
    // images and pull policies
    { rule: "an image that is not an image reference", component: "EnvoyApp", args: () => guideArgs({ app: { image: "Not An Image" } }),
        message: 'sigsci-envoy: invalid "app.image": got "Not An Image"; expected an image reference such as "signalsciences/sigsci-agent:4.60.0" or "registry.example.com/team/app@sha256:<64 hex>"' },
    { rule: "a pull policy Kubernetes does not know", component: "EnvoyApp", args: () => guideArgs({ agent: { imagePullPolicy: "Sometimes" } }),
        message: 'sigsci-envoy: invalid "agent.imagePullPolicy": got "Sometimes"; expected one of "Always", "IfNotPresent", "Never"' },
    // agent options
    { rule: "an agent option in environment form", component: "EnvoyApp", args: () => guideArgs({ agent: { options: { SIGSCI_MAX_PROCS: "2" } } }),
        message: 'sigsci-envoy: invalid "agent.options key": got "SIGSCI_MAX_PROCS"; expected an agent option name in lower case with dashes, such as "max-procs"' },
    { rule: "an agent option the component manages", component: "EnvoyApp", args: () => guideArgs({ agent: { options: { "envoy-grpc-address": "0.0.0.0:1" } } }),
        message: 'sigsci-envoy: invalid "agent.options.envoy-grpc-address": got "0.0.0.0:1"; expected no value here: the component sets it; use "agent.grpcPort"' },
    { rule: "the ext_proc switch as an agent option", component: "EnvoyApp", args: () => guideArgs({ agent: { options: { "envoy-extproc-enabled": "true" } } }),
        message: 'sigsci-envoy: invalid "agent.options.envoy-extproc-enabled": got "true"; expected no value here: the component sets it; use "inspection.integration"' },
    { rule: "a relative temp mount", component: "EnvoyApp", args: () => guideArgs({ agent: { tmpMountPath: "tmp" } }),
        message: 'sigsci-envoy: invalid "agent.tmpMountPath": got "tmp"; expected an absolute path other than /, without control characters' },
    // shutdown
    { rule: "a grace period not longer than the preStop sleep", component: "EnvoyApp", args: () => guideArgs({ terminationGracePeriodSeconds: 30 }),
        message: 'sigsci-envoy: invalid "terminationGracePeriodSeconds": got 30; expected more seconds than agent.preStopSleepSeconds (30), so the drain ends before the pod is killed' },
    { rule: "an agent that stops before Envoy's drain and the app end", component: "EnvoyApp", args: () => guideArgs({ agent: { preStopSleepSeconds: 5 } }),
        message: 'sigsci-envoy: invalid "agent.preStopSleepSeconds": got 5; expected at least app.preStopSleepSeconds (20), so the agent outlives Envoy\'s drain and the app' },
    { rule: "an app that stops before Envoy has drained", component: "EnvoyApp", args: () => guideArgs({ app: { image: "a:1", preStopSleepSeconds: 15 } }),
        message: 'sigsci-envoy: invalid "app.preStopSleepSeconds": got 15; expected more seconds than envoy.preStopSleepSeconds (15), so the app outlives Envoy\'s drain' },
    { rule: "an Envoy without workers", component: "EnvoyApp", args: () => guideArgs({ envoy: { concurrency: 0 } }),
        message: 'sigsci-envoy: invalid "envoy.concurrency": got 0; expected a whole number from 1 to 1024' },
    // mutually exclusive inputs
    { rule: "both agent keys and an existing Secret", component: "EnvoyApp", args: () => guideArgs({ credentials: { ...creds, existingSecretName: "s" } }),
        message: 'sigsci-envoy: invalid "credentials": got {"accessKeyId":"(set)","secretAccessKey":"(set)","existingSecretName":"s"}; expected either both credentials.accessKeyId and credentials.secretAccessKey, or credentials.existingSecretName' },
    { rule: "no credentials", component: "EnvoyApp", args: () => guideArgs({ credentials: {} }),
        message: 'sigsci-envoy: invalid "credentials": got {}; expected either both credentials.accessKeyId and credentials.secretAccessKey, or credentials.existingSecretName' },
    { rule: "one agent key without the other", component: "EnvoyApp", args: () => guideArgs({ credentials: { accessKeyId: "a" } }),
        message: 'sigsci-envoy: invalid "credentials": got {"accessKeyId":"(set)"}; expected either both credentials.accessKeyId and credentials.secretAccessKey, or credentials.existingSecretName' },
    { rule: "sidecar settings with an agent Service", component: "EnvoyApp", args: () => guideArgs({ agent: { grpcPort: 9000 }, agentService: { create: {} } }),
        message: 'sigsci-envoy: invalid "agent": got "(set)"; expected nothing when agentService is given: the agent runs in the agent Service (set agentService.create.agent)' },
    { rule: "both a new and a shared agent Service", component: "EnvoyApp", args: () => ({ app: { image: "a:1" }, agentService: { create: {}, endpoint: "x.y:1" } }),
        message: 'sigsci-envoy: invalid "agentService": got {"create":{},"endpoint":"x.y:1"}; expected either agentService.create or agentService.endpoint' },
    { rule: "credentials with a shared agent Service", component: "EnvoyApp", args: () => guideArgs({ agentService: { endpoint: "agents.waf.svc.cluster.local:9999" } }),
        message: 'sigsci-envoy: invalid "credentials": got "(set)"; expected nothing when agentService.endpoint is given: the shared agent Service holds the credentials' },
    { rule: "an endpoint without a port", component: "EnvoyApp", args: () => ({ app: { image: "a:1" }, agentService: { endpoint: "agents.waf" } }),
        message: 'sigsci-envoy: invalid "agentService.endpoint": got "agents.waf"; expected host:port, e.g. "agents.waf.svc.cluster.local:9999" (an AgentService\'s grpcEndpoint)' },
    { rule: "a CA Secret without a TLS agent Service", component: "EnvoyApp", args: () => guideArgs({ agentService: { create: {}, tlsCaSecretName: "ca" } }),
        message: 'sigsci-envoy: invalid "agentService.tlsCaSecretName": got "ca"; expected nothing unless agentService.create.tls is given (the agent would not speak TLS)' },
    { rule: "a TLS agent Service Envoy cannot verify", component: "EnvoyApp", args: () => guideArgs({ agentService: { create: { tls: { secretName: "t" } } } }),
        message: 'sigsci-envoy: invalid "agentService.tlsCaSecretName": got nothing; expected the Secret with ca.crt that signs agentService.create.tls, so Envoy can verify the agent' },
    { rule: "extra Envoy settings beside a whole config", component: "EnvoyApp", args: () => guideArgs({ envoy: { configOverride: "admin: {}", extraConfig: { a: 1 } } }),
        message: 'sigsci-envoy: invalid "envoy.extraConfig": got "(set)"; expected nothing when envoy.configOverride is given (merge your settings into that config)' },
    { rule: "an env variable with both a value and a Secret", component: "EnvoyApp", args: () => guideArgs({ app: { image: "a:1", env: [{ name: "A", value: "1", secretName: "s", secretKey: "k" }] } }),
        message: 'sigsci-envoy: invalid "app.env[0]": got {"name":"A"}; expected either value, or secretName with secretKey' },
    // integrations
    { rule: "an unknown integration", component: "EnvoyApp", args: () => guideArgs({ inspection: { integration: "grpc" } }),
        message: 'sigsci-envoy: invalid "inspection.integration": got "grpc"; expected one of "ext_authz", "ext_proc"' },
    { rule: "response data with ext_proc", component: "EnvoyApp", args: () => guideArgs({ inspection: { integration: "ext_proc", expectResponseData: true } }),
        message: 'sigsci-envoy: invalid "inspection.expectResponseData": got true; expected false or nothing with integration "ext_proc" (the response travels on the ext_proc stream)' },
    { rule: "partial bodies with ext_proc", component: "EnvoyApp", args: () => guideArgs({ inspection: { integration: "ext_proc", allowPartialMessage: true } }),
        message: 'sigsci-envoy: invalid "inspection.allowPartialMessage": got true; expected nothing with integration "ext_proc" (the buffer filter answers 413 to larger bodies)' },
    { rule: "an app that disagrees with its shared agent Service's integration", component: "EnvoyApp", args: () => ({ app: { image: "a:1" }, agentService: { endpoint: "agents.waf.svc.cluster.local:9999", integration: "ext_proc" } }),
        message: 'sigsci-envoy: invalid "inspection.integration": got "ext_authz"; expected "ext_proc", as the shared agent Service runs (agentService.integration)' },
    { rule: "an app in a namespace its shared agent Service does not admit", component: "EnvoyApp", args: () => ({ namespace: "blog", app: { image: "a:1" }, agentService: { endpoint: "agents.waf.svc.cluster.local:9999", clientNamespaces: ["waf", "shop"] } }),
        message: 'sigsci-envoy: invalid "namespace": got "blog"; expected a namespace the shared agent Service at agents.waf.svc.cluster.local:9999 admits (its clientNamespaces: ["waf","shop"]): add "blog" to that AgentService\'s clientNamespaces, or deploy app "helloworld" into one of them' },
    { rule: "an app that disagrees on response data", component: "EnvoyApp", args: () => ({ app: { image: "a:1" }, inspection: { expectResponseData: false }, agentService: { endpoint: "a.b:9999", expectResponseData: true } }),
        message: 'sigsci-envoy: invalid "inspection.expectResponseData": got false; expected true, as the shared agent Service expects (agentService.expectResponseData)' },
    // values Envoy or the cluster would refuse
    { rule: "a duration beyond protobuf's range", component: "EnvoyApp", args: () => guideArgs({ inspection: { timeout: "315576000001s" } }),
        message: 'sigsci-envoy: invalid "inspection.timeout": got "315576000001s"; expected a positive duration in seconds such as "0.2s" or "1s", at most 315576000000s (protobuf\'s limit)' },
    { rule: "a negative quantity", component: "EnvoyApp", args: () => guideArgs({ envoy: { resources: { requests: { cpu: "-1" } } } }),
        message: 'sigsci-envoy: invalid "envoy.resources.requests.cpu": got "-1"; expected a Kubernetes quantity such as "250m", "1", "512Mi" or "1Gi" (not negative)' },
    { rule: "a quantity with two decimal points", component: "EnvoyApp", args: () => guideArgs({ app: { image: "a:1", resources: { limits: { cpu: "1.2.3" } } } }),
        message: 'sigsci-envoy: invalid "app.resources.limits.cpu": got "1.2.3"; expected a Kubernetes quantity such as "250m", "1", "512Mi" or "1Gi" (not negative)' },
    { rule: "a control character in a path", component: "EnvoyApp", args: () => guideArgs({ agent: { tmpMountPath: "/sigsci/tmp\nx" } }),
        message: 'sigsci-envoy: invalid "agent.tmpMountPath": got "/sigsci/tmp\\nx"; expected an absolute path other than /, without control characters' },
    { rule: "an empty agent key", component: "EnvoyApp", args: () => guideArgs({ credentials: { accessKeyId: "", secretAccessKey: "b" } }),
        message: 'sigsci-envoy: invalid "credentials.accessKeyId": got an empty string; expected the Agent Access Key, a non-empty string' },
    { rule: "a null agent key", component: "AgentService", args: () => agents({ credentials: { accessKeyId: "a", secretAccessKey: null } }),
        message: 'sigsci-envoy: invalid "credentials.secretAccessKey": got null; expected the Agent Secret Key, a non-empty string' },
    { rule: "credentials given as a string (never echoed)", component: "EnvoyApp", args: () => guideArgs({ credentials: "AKID-12345:SECRET-67890" as any }),
        message: 'sigsci-envoy: invalid "credentials": got "(a string)"; expected an object' },
    { rule: "an unknown credentials key", component: "EnvoyApp", args: () => guideArgs({ credentials: { accessKeyID: "a", secretAccessKey: "b" } as any }),
        message: 'sigsci-envoy: invalid "credentials.accessKeyID": got "(set)"; expected nothing: the credentials are credentials.accessKeyId and credentials.secretAccessKey, or credentials.existingSecretName' },
    { rule: "an app container named like Envoy's", component: "EnvoyApp", args: () => guideArgs({ app: { image: "a:1", containerName: "envoy" } }),
        message: 'sigsci-envoy: invalid "app.containerName": got "envoy"; expected a name other than "envoy" and "sigsci-agent", which the pod\'s other containers use' },
    // shape
    { rule: "an env list with a hole", component: "EnvoyApp", args: () => guideArgs({ app: { image: "a:1", env: [undefined as any] } }),
        message: 'sigsci-envoy: invalid "app.env[0]": got nothing; expected an object {name, value} or {name, secretName, secretKey}' },
    { rule: "no app", component: "EnvoyApp", args: () => ({ credentials: { existingSecretName: "s" } }),
        message: 'sigsci-envoy: invalid "app": got nothing; expected the application container, at least {image}' },
    { rule: "a number where a flag belongs", component: "EnvoyApp", args: () => guideArgs({ inspection: { failOpen: 1 as any } }),
        message: 'sigsci-envoy: invalid "inspection.failOpen": got 1; expected true or false' },
];
