// Random valid configurations over every layout and integration, and one-input corruptions of
// them: the property-based tests share these.
import fc from "fast-check";
import { AgentServiceArgs, EnvoyAppArgs } from "../../sdk";

const port = fc.integer({ min: 1024, max: 65535 });
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

export interface Scenario {
    name: string;
    args: EnvoyAppArgs;
    /** A shared agent Service the app uses, when the layout is "shared". */
    shared?: AgentServiceArgs;
    plaintexts: string[];
}

/** Random valid configurations over every layout, integration and most inputs. */
export const scenario: fc.Arbitrary<Scenario> = fc
    .record({
        name: dnsLabel,
        namespace: fc.constantFrom("default", "shop", "web-prod"),
        ports: fc.uniqueArray(port, { minLength: 6, maxLength: 6 }),
        replicas: fc.integer({ min: 0, max: 5 }),
        layout: fc.constantFrom("sidecar", "create", "shared"),
        integration: fc.constantFrom("ext_authz", "ext_proc"),
        failOpen: fc.boolean(),
        timeout: fc.constantFrom("0.2s", "0.05s", "1s", "2.5s"),
        maxRequestBytes: fc.integer({ min: 1, max: 8 * 1024 * 1024 }),
        expectResponseData: fc.boolean(),
        existingSecret: fc.boolean(),
        accessKeyId: fc.string({ minLength: 12, maxLength: 40 }).map((s) => `AK${s}`),
        secretAccessKey: fc.string({ minLength: 12, maxLength: 40 }).map((s) => `SK${s}`),
        agentImage: fc.constantFrom("signalsciences/sigsci-agent:latest", "signalsciences/sigsci-agent:4.70.0", "signalsciences/sigsci-agent:testing"),
        tmpMountPath: fc.constantFrom("/sigsci/tmp", "/var/run/sigsci"),
        startupProbe: fc.boolean(),
        // At least the app's default (Envoy's 15 s drain + 5): the agent outlives both.
        preStop: fc.integer({ min: 20, max: 120 }),
        autoscaling: fc.option(fc.record({ minReplicas: fc.integer({ min: 1, max: 3 }), maxReplicas: fc.integer({ min: 3, max: 20 }) }), { nil: undefined }),
        maxProcs: fc.option(fc.integer({ min: 1, max: 16 }).map(String), { nil: undefined }),
    })
    .map((c): Scenario => {
        const [front, appPort, admin, ready, grpc, startup] = c.ports;
        const extProc = c.integration === "ext_proc";
        const inspection = {
            integration: c.integration,
            failOpen: c.failOpen,
            timeout: c.timeout,
            maxRequestBytes: c.maxRequestBytes,
            ...(extProc ? {} : { expectResponseData: c.expectResponseData }),
        };
        const credentials = c.existingSecret ? { existingSecretName: "sigsci.site" } : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
        const agent = {
            image: c.agentImage,
            grpcPort: grpc,
            tmpMountPath: c.tmpMountPath,
            startupProbe: c.startupProbe,
            // A port only for a probe that is on (one for none is refused).
            ...(c.startupProbe ? { startupProbePort: startup } : {}),
            preStopSleepSeconds: c.preStop,
            ...(c.maxProcs ? { options: { "max-procs": c.maxProcs } } : {}),
        };
        const base: EnvoyAppArgs = {
            namespace: c.namespace,
            replicas: c.replicas,
            port: front,
            app: { image: "registry.example.com/team/app:1.2.3", port: appPort },
            envoy: { adminPort: admin, readinessPort: ready },
            inspection,
        };
        const plaintexts = c.existingSecret ? [] : [c.accessKeyId, c.secretAccessKey];
        if (c.layout === "sidecar") return { name: c.name, args: { ...base, credentials, agent }, plaintexts };
        const service = c.autoscaling ? { agent, autoscaling: c.autoscaling } : { agent, replicas: c.replicas + 1 };
        if (c.layout === "create") return { name: c.name, args: { ...base, credentials, agentService: { create: service } }, plaintexts };
        const shared: AgentServiceArgs = {
            ...service,
            credentials,
            namespace: "waf",
            clientNamespaces: [c.namespace],
            integration: c.integration,
            ...(extProc ? {} : { expectResponseData: c.expectResponseData }),
        };
        return { name: c.name, args: base, shared, plaintexts };
    });

/** One input made wrong: a wrong type, out of range, or malformed. */
/** One input made wrong, and the top-level inputs the rule it breaks reads. */
export const corruption = fc.constantFrom<[string, (a: any) => void, string[]]>(
    ["port as text", (a) => (a.port = "8000"), ["port"]],
    ["negative replicas", (a) => (a.replicas = -3), ["replicas"]],
    ["fractional app port", (a) => (a.app.port = 80.5), ["app"]],
    ["app as a string", (a) => (a.app = "helloworld"), ["app"]],
    ["inspection as a list", (a) => (a.inspection = []), ["inspection"]],
    ["timeout as a number", (a) => (a.inspection.timeout = 0.2), ["inspection"]],
    ["null credentials", (a) => (a.credentials = null), ["credentials", "agentService"]],
    ["env as an object", (a) => (a.app.env = { A: "1" }), ["app"]],
    ["env entry without a name", (a) => (a.app.env = [{ value: "1" }]), ["app"]],
    ["labels as a list", (a) => (a.labels = ["x"]), ["labels"]],
    ["image with spaces", (a) => (a.app.image = "my app"), ["app"]],
    ["agent options as a string", (a) => (a.agent = { options: "max-procs=2" }), ["agent", "agentService"]],
    ["resources with a number", (a) => (a.app.resources = { limits: { cpu: 2 } }), ["app"]],
    ["autoscaling without a maximum", (a) => (a.agentService = { create: { autoscaling: {} } }), ["agentService", "agent", "credentials"]],
    ["service type unknown", (a) => (a.service = { type: "ExternalName" }), ["service"]],
    ["a clash of ports", (a) => (a.envoy = { ...a.envoy, adminPort: a.port }), ["envoy", "port"]],
);
