// Every caller, every input (issue 20): one table of bad and good inputs by class - the args'
// form, unknown keys, cycles and other non-data, values Kubernetes or Envoy would refuse later,
// secrets in messages, messages that blame the wrong input. Each refusal is exact, registers
// nothing, and no row's secret or credential appears in any message or plain input.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { currentStack, readStackPlan } from "../program/config";
import { AgentService, EnvoyApp, InputError } from "../sdk";
import { guideArgs } from "../tools/fixtures";
import { REPO } from "../tools/paths";
import { evaluate } from "../sdk/render/evaluate";
import { renderStack } from "../tools/render";
import { kubernetesObjects, plainStrings, runProgram } from "./support/pulumi-mocks";
import { frontFilters } from "./support/objects";
import { scratchDir } from "./support/scratch";

const KEYS = { accessKeyId: "AKID-EVERY-CALLER-1", secretAccessKey: "SECRET-EVERY-CALLER-2" };

interface Row {
    /** The class of failure. */
    kind: string;
    what: string;
    /** Declares the components (it may throw). */
    program: () => void;
    /** The one error a user sees; or `undefined`: accepted. */
    error?: string;
    /** Strings given as secrets or credentials: never in a message or a plain input. */
    secrets?: string[];
    /** For an accepted row: checks on the Kubernetes objects. */
    objects?: (objects: any[]) => void;
    /** For a refused row whose program declares valid components too: they alone (they register; the refused one nothing). */
    alone?: () => void;
    /** For an accepted row: the warnings it logs. */
    warnings?: string[];
}

const app =
    (args: unknown, name = "helloworld") =>
    () =>
        void new EnvoyApp(name, args as any);

class AppArgs {
    app = { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] };
    constructor(public credentials: unknown) {}
}

function cyclic(): Record<string, unknown> {
    const o: Record<string, unknown> = { admin: {} };
    (o.admin as Record<string, unknown>).again = o;
    return o;
}

/** `{a: {a: ...}}`, `depth` levels deep. */
const nested = (depth: number): Record<string, unknown> => (depth === 0 ? {} : { a: nested(depth - 1) });

const sparse = <T>(first: T, length: number): T[] => {
    const a: T[] = [];
    a[0] = first;
    a.length = length;
    return a;
};

/** A component of this type and name under another parent: Pulumi allows it (another URN), the cluster does not. */
class Group extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Group", name, {}, {});
    }
}

const deployment = (objects: any[]) => objects.find((o) => o.kind === "Deployment");
const container = (objects: any[], name: string) => deployment(objects).spec.template.spec.containers.find((c: any) => c.name === name);
const envoyJson = (objects: any[]) => JSON.parse(objects.find((o) => o.kind === "ConfigMap").data["envoy.json"]);
const extAuthzOf = (objects: any[]) => frontFilters(envoyJson(objects)).find((f: any) => f.name === "envoy.filters.http.ext_authz").typed_config;

const ROWS: Row[] = [
    // 2. args that are not plain objects: read one way
    {
        kind: "form",
        what: "a class instance with empty keys",
        program: app(new AppArgs({ accessKeyId: "", secretAccessKey: KEYS.secretAccessKey })),
        secrets: [KEYS.secretAccessKey],
        error: 'sigsci-envoy: invalid "credentials.accessKeyId": got an empty string; expected the Agent Access Key, a non-empty string',
    },
    {
        kind: "form",
        what: "one whole output of args with empty keys",
        program: app(pulumi.output({ ...guideArgs(), credentials: { accessKeyId: "", secretAccessKey: "" } })),
        error: 'sigsci-envoy: invalid "credentials.accessKeyId": got an empty string; expected the Agent Access Key, a non-empty string',
    },
    {
        kind: "form",
        what: "one whole output of args with a credential that is no string",
        program: app(pulumi.output({ ...guideArgs(), credentials: { accessKeyId: ["AKID-IN-A-LIST-3"], secretAccessKey: KEYS.secretAccessKey } })),
        secrets: ["AKID-IN-A-LIST-3", KEYS.secretAccessKey],
        error: 'sigsci-envoy: invalid "credentials.accessKeyId": got a list; expected the Agent Access Key, a non-empty string',
    },
    {
        kind: "form",
        what: "a class instance holding outputs",
        program: app(Object.assign(new AppArgs({ accessKeyId: pulumi.secret(KEYS.accessKeyId), secretAccessKey: pulumi.secret(KEYS.secretAccessKey) }), { replicas: pulumi.output(2) })),
        secrets: [KEYS.accessKeyId, KEYS.secretAccessKey],
        objects: (o) => assert.strictEqual(deployment(o).spec.replicas, 2),
    },
    {
        kind: "form",
        what: "one whole output of valid args",
        program: app(pulumi.output(guideArgs({ credentials: KEYS, replicas: 3 }))),
        secrets: [KEYS.accessKeyId, KEYS.secretAccessKey],
        objects: (o) => {
            assert.strictEqual(deployment(o).spec.replicas, 3);
            assert.deepStrictEqual(o.find((x) => x.kind === "Secret").stringData, { accesskeyid: KEYS.accessKeyId, secretaccesskey: KEYS.secretAccessKey });
        },
    },
    {
        kind: "form",
        what: "args behind a proxy",
        program: app(new Proxy(guideArgs({ credentials: KEYS, port: 8001 }), {})),
        secrets: [KEYS.accessKeyId, KEYS.secretAccessKey],
        objects: (o) => assert.strictEqual(container(o, "envoy").ports[0].containerPort, 8001),
    },
    {
        kind: "form",
        what: "an output nested in an output's value, deeper than the SDK unwraps",
        program: app(
            guideArgs({
                credentials: KEYS,
                envoy: { extraConfig: { layered_runtime: pulumi.output(1).apply(() => ({ layers: [{ name: "static", static_layer: { "re2.max_program_size.error_level": pulumi.output(200) } }] })) } },
            }),
        ),
        objects: (o) => assert.deepStrictEqual(envoyJson(o).layered_runtime.layers, [{ name: "static", static_layer: { "re2.max_program_size.error_level": 200 } }]),
    },
    {
        kind: "form",
        what: "a class whose getter sets a field",
        program: app(
            guideArgs({
                credentials: KEYS,
                inspection: new (class {
                    get failOpen() {
                        return false;
                    }
                })() as any,
            }),
        ),
        objects: (o) => assert.strictEqual(extAuthzOf(o).failure_mode_allow, false),
    },
    {
        kind: "form",
        what: "a field that is not enumerable",
        program: app(guideArgs({ credentials: KEYS, inspection: Object.defineProperty({}, "failOpen", { value: false, enumerable: false }) as any })),
        objects: (o) => assert.strictEqual(extAuthzOf(o).failure_mode_allow, false),
    },
    {
        kind: "form",
        what: "args inherited from a prototype (Object.create)",
        program: app(Object.create(guideArgs({ credentials: KEYS, replicas: 2 }))),
        secrets: [KEYS.accessKeyId, KEYS.secretAccessKey],
        objects: (o) => assert.strictEqual(deployment(o).spec.replicas, 2),
    },
    {
        kind: "form",
        what: "a symbol key",
        program: app(guideArgs({ inspection: { [Symbol("failOpen")]: false } as any })),
        error: 'sigsci-envoy: invalid "inspection": got an object with a symbol key; expected plain data: a string, number, boolean, list or object, keyed by strings',
    },
    {
        kind: "form",
        what: "a getter that throws, whose text is never shown",
        program: app(
            guideArgs({
                inspection: Object.defineProperty({}, "failOpen", {
                    get: () => {
                        throw new TypeError("denied token=SECRET-THROWN-10");
                    },
                    enumerable: true,
                }) as any,
            }),
        ),
        secrets: ["SECRET-THROWN-10"],
        error: 'sigsci-envoy: invalid "inspection.failOpen": got a value that cannot be read; expected a value that can be read (reading it threw a TypeError)',
    },
    {
        kind: "form",
        what: "a cyclic value behind a promise, refused once by its path",
        program: app(guideArgs({ pod: { affinity: Promise.resolve(cyclic()) } })),
        error: 'sigsci-envoy: invalid "pod.affinity.admin.again": got a value that contains itself; expected a value without cycles: this one refers back to pod.affinity',
    },
    {
        kind: "form",
        what: "args given as a list, whose keys are never shown",
        program: app([guideArgs({ credentials: KEYS })]),
        secrets: [KEYS.accessKeyId, KEYS.secretAccessKey],
        error: 'sigsci-envoy: invalid "args": got a list; expected an object with at least {app, credentials}',
    },
    {
        kind: "form",
        what: "a revoked proxy",
        program: app(
            guideArgs({
                inspection: (() => {
                    const p = Proxy.revocable({}, {});
                    p.revoke();
                    return p.proxy;
                })() as any,
            }),
        ),
        error: 'sigsci-envoy: invalid "inspection": got a value that cannot be read; expected a value that can be read (reading it threw a TypeError)',
    },
    {
        kind: "form",
        what: "a proxy whose trap throws, whose text is never shown",
        program: app(
            guideArgs({
                inspection: new Proxy(
                    {},
                    {
                        ownKeys() {
                            throw new Error("SECRET-TRAP-12");
                        },
                    },
                ) as any,
            }),
        ),
        secrets: ["SECRET-TRAP-12"],
        error: 'sigsci-envoy: invalid "inspection": got a value that cannot be read; expected a value that can be read (reading it threw an Error)',
    },
    {
        kind: "form",
        what: "a promise that fails, named by its path",
        program: app(guideArgs({ replicas: Promise.reject(new Error("SECRET-REJECTED-13")) as any })),
        secrets: ["SECRET-REJECTED-13"],
        error: 'sigsci-envoy: invalid "replicas": got a promise that failed; expected a promise that resolves to a value (it failed with an Error, not shown here)',
    },
    {
        kind: "form",
        what: "an output that fails, named by its path",
        program: app(guideArgs({ replicas: pulumi.output(Promise.reject(new Error("SECRET-REJECTED-14"))) as any })),
        secrets: ["SECRET-REJECTED-14"],
        error: 'sigsci-envoy: invalid "replicas": got an output that failed; expected an output that resolves to a value (it failed with an Error, not shown here)',
    },
    // 4. unknown keys, at every level
    {
        kind: "unknown key",
        what: "inspection.failopen",
        program: app(guideArgs({ inspection: { failopen: false } as any })),
        error: 'sigsci-envoy: invalid "inspection.failopen": got a value; expected no such setting: did you mean inspection.failOpen? (inspection has integration, failOpen, timeout, maxRequestBytes, allowPartialMessage, expectResponseData)',
    },
    {
        kind: "unknown key",
        what: "app.prot",
        program: app(guideArgs({ app: { image: "a:1", prot: 3000 } as any })),
        error: 'sigsci-envoy: invalid "app.prot": got a value; expected no such setting: did you mean app.port? (app has image, port, args, command, env, resources, imagePullPolicy, runAsUser, readOnlyRootFilesystem, tmpVolume, readinessProbePath, containerName, preStopSleepSeconds)',
    },
    {
        kind: "unknown key",
        what: "envoy.configoverride",
        program: app(guideArgs({ envoy: { configoverride: "admin: {}" } as any })),
        error: 'sigsci-envoy: invalid "envoy.configoverride": got a value; expected no such setting: did you mean envoy.configOverride? (envoy has image, imagePullPolicy, logLevel, adminPort, readinessPort, metrics, preStopSleepSeconds, gracefulDrain, concurrency, resources, xffTrustedHops, extraConfig, configOverride, acknowledgeVerifierFindings)',
    },
    {
        kind: "unknown key",
        what: "agent.grpcport",
        program: app(guideArgs({ agent: { grpcport: 9998 } as any })),
        error: 'sigsci-envoy: invalid "agent.grpcport": got a value; expected no such setting: did you mean agent.grpcPort? (agent has image, imagePullPolicy, grpcPort, tmpMountPath, preStopSleepSeconds, nativeSidecar, metrics, startupProbe, startupProbePort, resources, options)',
    },
    {
        kind: "unknown key",
        what: "AgentService replica",
        program: () => void new AgentService("agents", { credentials: KEYS, replica: 5 } as any),
        error: 'sigsci-envoy: invalid "replica": got a value; expected no such setting: did you mean replicas? (the args has credentials, namespace, labels, expectResponseData, integration, agent, replicas, autoscaling, maxUnavailable, tls, clientNamespaces, terminationGracePeriodSeconds, pod, serviceAccountName, serviceAnnotations, ipFamily, monitoring)',
    },
    {
        kind: "unknown key",
        what: "app.env[0].valueFrom",
        program: app(guideArgs({ app: { image: "a:1", env: [{ name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k" } } } as any] } })),
        error: 'sigsci-envoy: invalid "app.env[0].valueFrom": got a value; expected no such setting: did you mean app.env[0].value? (app.env[0] has name, value, secretName, secretKey)',
    },
    {
        kind: "unknown key",
        what: "a misplaced credential key, whose value is never shown",
        program: app(guideArgs({ credentials: KEYS, secretaccesskey: "SECRET-MISPLACED-4" } as any)),
        secrets: ["SECRET-MISPLACED-4"],
        error: 'sigsci-envoy: invalid "secretaccesskey": got a value; expected no such setting: did you mean credentials.secretAccessKey? (the args has app, credentials, namespace, replicas, port, labels, maxUnavailable, networkPolicy, serviceAccountName, automountServiceAccountToken, terminationGracePeriodSeconds, envoy, inspection, agent, agentService, service, pod, ipFamily, monitoring)',
    },
    {
        kind: "unknown key",
        what: "a __proto__ key (as JSON.parse makes one)",
        program: app(guideArgs({ app: JSON.parse('{"image":"a:1","__proto__":{"port":3000}}') })),
        error: 'sigsci-envoy: invalid "app.__proto__": got a value; expected no such setting (app has image, port, args, command, env, resources, imagePullPolicy, runAsUser, readOnlyRootFilesystem, tmpVolume, readinessProbePath, containerName, preStopSleepSeconds)',
    },
    {
        kind: "unknown key",
        what: "a key too far from any to guess",
        program: app(guideArgs({ envoy: { cpus: 2 } as any })),
        error: 'sigsci-envoy: invalid "envoy.cpus": got a value; expected no such setting (envoy has image, imagePullPolicy, logLevel, adminPort, readinessPort, metrics, preStopSleepSeconds, gracefulDrain, concurrency, resources, xffTrustedHops, extraConfig, configOverride, acknowledgeVerifierFindings)',
    },
    {
        kind: "unknown key",
        what: "a misspelt tls key of an AgentService without a namespace: the key is named first",
        program: () => void new AgentService("agents", { credentials: KEYS, tls: { secretNme: "agent-tls" } } as any),
        error: 'sigsci-envoy: invalid "tls.secretNme": got a value; expected no such setting: did you mean tls.secretName? (tls has secretName)',
    },
    {
        kind: "unknown key",
        what: "a shared agent Service's field beside agentService.create",
        program: app(guideArgs({ credentials: KEYS, agentService: { create: {}, integration: "ext_proc" } })),
        error: 'sigsci-envoy: invalid "agentService.integration": got "(set)"; expected nothing with agentService.create: it describes a shared agent Service (the app\'s own follows inspection.integration)',
    },
    {
        kind: "unknown key",
        what: "a startup probe port for no startup probe",
        program: app(guideArgs({ agent: { startupProbe: false, startupProbePort: 3000 } })),
        error: 'sigsci-envoy: invalid "agent.startupProbePort": got 3000; expected nothing unless agent.startupProbe is true (no listener serves it otherwise)',
    },
    {
        kind: "unknown key",
        what: "a label the component sets itself",
        program: app(guideArgs({ labels: { "app.kubernetes.io/component": "mine" } })),
        error: 'sigsci-envoy: invalid "labels.app.kubernetes.io/component": got "mine"; expected a label the component does not set itself (it sets app.kubernetes.io/component)',
    },
    {
        kind: "unknown key",
        what: "a pod label that contradicts labels",
        program: app(guideArgs({ labels: { team: "a" }, pod: { labels: { team: "b" } } })),
        error: 'sigsci-envoy: invalid "pod.labels.team": got "b"; expected the value labels.team gives every object ("a"), or no pod.labels.team: a pod has one value per label',
    },
    {
        kind: "unknown key",
        what: "a setting of the generated bootstrap beside envoy.configOverride",
        program: app(guideArgs({ inspection: { failOpen: false }, envoy: { configOverride: "admin: {}", acknowledgeVerifierFindings: true } })),
        error: 'sigsci-envoy: invalid "inspection.failOpen": got false; expected nothing with envoy.configOverride: your bootstrap sets it (inspection.integration and expectResponseData still set the agent\'s side)',
    },
    {
        kind: "unknown key",
        what: "an admin port other than envoy.configOverride's",
        program: app(guideArgs({ envoy: { adminPort: 9333, configOverride: "admin:\n  address:\n    socket_address: {address: 127.0.0.1, port_value: 9901}\n", acknowledgeVerifierFindings: true } })),
        error: 'sigsci-envoy: invalid "envoy.adminPort": got 9333; expected 9901, the admin port of envoy.configOverride (the preStop drain calls it there), or nothing',
    },
    {
        kind: "secret shown",
        what: "a key of a secret map in the refused path",
        program: app(guideArgs({ pod: { nodeSelector: pulumi.secret({ "acmecorp-pool": "bad value!" }) as any } })),
        secrets: ["acmecorp-pool"],
        error: "sigsci-envoy: invalid \"pod.nodeSelector.(a secret value)\": got (a secret value); expected a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    },
    // 3. name clashes, across parents, providers and derived names
    {
        kind: "clash",
        what: "two EnvoyApps of one name under different parents, in one namespace",
        alone: () => {
            new EnvoyApp("web", guideArgs({ credentials: KEYS, namespace: "shop" }));
            new Group("team");
        },
        program: () => {
            new EnvoyApp("web", guideArgs({ credentials: KEYS, namespace: "shop" }));
            new EnvoyApp("web", guideArgs({ credentials: KEYS, namespace: "shop" }), { parent: new Group("team") });
        },
        error: 'sigsci-envoy: invalid "name": got "web"; expected a name no other component of this program uses in namespace shop: EnvoyApp "web" would create Deployment shop/web, Service shop/web, PodDisruptionBudget shop/web and NetworkPolicy shop/web, which another EnvoyApp "web" (of another parent) already creates',
    },
    {
        kind: "clash",
        what: "two components without a namespace under one explicit provider",
        alone: () => void new AgentService("x", { credentials: KEYS }, { provider: new k8s.Provider("team", { namespace: "team" }) }),
        program: () => {
            const provider = new k8s.Provider("team", { namespace: "team" });
            new AgentService("x", { credentials: KEYS }, { provider });
            new EnvoyApp("x", guideArgs({ credentials: KEYS }), { provider });
        },
        error: 'sigsci-envoy: invalid "name": got "x"; expected a name no other component of this program uses in the namespace of its Kubernetes provider: EnvoyApp "x" would create Deployment x, Service x, PodDisruptionBudget x and NetworkPolicy x, which AgentService "x" already creates',
    },
    {
        kind: "clash",
        what: "components without a namespace under different explicit providers do not clash",
        program: () => {
            new AgentService("x", { credentials: KEYS }, { provider: new k8s.Provider("a", { namespace: "a" }) });
            new EnvoyApp("x", guideArgs({ credentials: KEYS }), { provider: new k8s.Provider("b", { namespace: "b" }) });
        },
    },
    {
        kind: "clash",
        what: "an app's own agent Service against an AgentService of its name",
        alone: () => void new AgentService("web-agent", { credentials: KEYS }),
        program: () => {
            new AgentService("web-agent", { credentials: KEYS });
            new EnvoyApp("web", guideArgs({ credentials: KEYS, agentService: { create: {} } }));
        },
        error: 'sigsci-envoy: invalid "name": got "web"; expected a name no other component of this program uses in the provider\'s namespace (default): EnvoyApp "web" (its own agent Service) would create Deployment web-agent, Service web-agent, PodDisruptionBudget web-agent and NetworkPolicy web-agent, which AgentService "web-agent" already creates',
    },
    // 5. crashes and half-registration: refused before anything registers
    {
        kind: "not data",
        what: "a cyclic envoy.extraConfig",
        program: app(guideArgs({ envoy: { extraConfig: cyclic() } })),
        error: 'sigsci-envoy: invalid "envoy.extraConfig.admin.again": got a value that contains itself; expected a value without cycles: this one refers back to envoy.extraConfig',
    },
    {
        kind: "not data",
        what: "a BigInt in envoy.extraConfig",
        program: app(guideArgs({ envoy: { extraConfig: { stats_flush_interval: BigInt(5) } } })),
        error: 'sigsci-envoy: invalid "envoy.extraConfig.stats_flush_interval": got 5n (a BigInt); expected a plain number: a BigInt has no JSON form',
    },
    {
        kind: "not data",
        what: "a cyclic pod.affinity",
        program: app(guideArgs({ pod: { affinity: cyclic() } })),
        error: 'sigsci-envoy: invalid "pod.affinity.admin.again": got a value that contains itself; expected a value without cycles: this one refers back to pod.affinity',
    },
    {
        kind: "not data",
        what: "a Date",
        program: app(guideArgs({ labels: { since: new Date(0) as any } })),
        error: 'sigsci-envoy: invalid "labels.since": got a Date; expected plain data: a string, number, boolean, list or object',
    },
    {
        kind: "not data",
        what: "a function",
        program: app(guideArgs({ envoy: { extraConfig: { admin: () => 1 } } })),
        error: 'sigsci-envoy: invalid "envoy.extraConfig.admin": got a function; expected plain data: a string, number, boolean, list or object',
    },
    {
        kind: "not data",
        what: "a value nested deeper than 64 levels",
        program: app(guideArgs({ envoy: { extraConfig: nested(70) } })),
        error: `sigsci-envoy: invalid "envoy.extraConfig${".a".repeat(62)}": got a value nested more than 64 levels deep; expected at most 64 levels of nesting`,
    },
    {
        kind: "not data",
        what: "Infinity",
        program: app(guideArgs({ envoy: { extraConfig: { stats_flush_interval: Infinity } } })),
        error: 'sigsci-envoy: invalid "envoy.extraConfig.stats_flush_interval": got Infinity; expected a finite number',
    },
    // 6. accepted, then refused by the API server or Envoy
    {
        kind: "refused later",
        what: 'agent.tmpMountPath "//"',
        program: app(guideArgs({ agent: { tmpMountPath: "//" } })),
        error: 'sigsci-envoy: invalid "agent.tmpMountPath": got "//"; expected an absolute path other than /, without control characters or . and .. segments',
    },
    {
        kind: "refused later",
        what: "agent.tmpMountPath with .. in it",
        program: app(guideArgs({ agent: { tmpMountPath: "/sigsci/../etc" } })),
        error: 'sigsci-envoy: invalid "agent.tmpMountPath": got "/sigsci/../etc"; expected an absolute path other than /, without control characters or . and .. segments',
    },
    {
        kind: "refused later",
        what: "agent.tmpMountPath in a plain form",
        program: app(guideArgs({ agent: { tmpMountPath: "//sigsci//tmp/" } })),
        objects: (o) =>
            assert.deepStrictEqual(
                container(o, "sigsci-agent").volumeMounts.map((m: any) => m.mountPath),
                ["/sigsci/tmp"],
            ),
    },
    {
        kind: "refused later",
        what: "a sparse app.args",
        program: app(guideArgs({ app: { image: "a:1", args: sparse("localhost:8080", 3) } })),
        error: 'sigsci-envoy: invalid "app.args[1]": got an empty slot of a sparse list; expected a value at every position of the list',
    },
    {
        kind: "refused later",
        what: "a sparse app.env",
        program: app(guideArgs({ app: { image: "a:1", env: sparse({ name: "A", value: "1" }, 2) } })),
        error: 'sigsci-envoy: invalid "app.env[1]": got an empty slot of a sparse list; expected a value at every position of the list',
    },
    {
        kind: "refused later",
        what: "a sparse pod.imagePullSecrets",
        program: app(guideArgs({ pod: { imagePullSecrets: sparse("creds", 2) } })),
        error: 'sigsci-envoy: invalid "pod.imagePullSecrets[1]": got an empty slot of a sparse list; expected a value at every position of the list',
    },
    {
        kind: "refused later",
        what: "garbage inside pod.affinity",
        program: app(
            guideArgs({
                pod: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: 5 } } }] } } },
            }),
        ),
        error: 'sigsci-envoy: invalid "pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels.app": got 5; expected a string',
    },
    {
        kind: "refused later",
        what: "an affinity weight out of the API server's range",
        program: app(
            guideArgs({
                pod: {
                    affinity: {
                        nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: "pool", operator: "In", values: ["web"] }] } }] },
                    },
                },
            }),
        ),
        error: 'sigsci-envoy: invalid "pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight": got 0; expected a whole number from 1 to 100',
    },
    {
        kind: "refused later",
        what: "an affinity operator that needs values, without",
        program: app(
            guideArgs({ pod: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "pool", operator: "In" }] }] } } } } }),
        ),
        error: 'sigsci-envoy: invalid "pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values": got nothing; expected at least one value with operator "In"',
    },
    {
        kind: "refused later",
        what: "a BigInt inside pod.affinity",
        program: app(guideArgs({ pod: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: BigInt(5) as any, preference: {} }] } } } })),
        error: 'sigsci-envoy: invalid "pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight": got 5n (a BigInt); expected a plain number: a BigInt has no JSON form',
    },
    {
        kind: "refused later",
        what: "a valid affinity, written as given",
        program: app(
            guideArgs({
                pod: {
                    affinity: {
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                { weight: 50, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] } } },
                            ],
                        },
                    },
                },
            }),
        ),
        objects: (o) =>
            assert.deepStrictEqual(deployment(o).spec.template.spec.affinity, {
                podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        { weight: 50, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] } } },
                    ],
                },
            }),
    },
    {
        kind: "refused later",
        what: "an unparsable configOverride",
        program: app(guideArgs({ envoy: { configOverride: "static_resources:\n  listeners: [\n" } })),
        error: 'sigsci-envoy: invalid "envoy.configOverride": got a text that does not parse (deficient indentation, line 3); expected an Envoy bootstrap in YAML or JSON',
    },
    {
        kind: "refused later",
        what: "a configOverride that is a list",
        program: app(guideArgs({ envoy: { configOverride: "- admin" } })),
        error: 'sigsci-envoy: invalid "envoy.configOverride": got a text that parses to a list; expected an Envoy bootstrap in YAML or JSON: a mapping of its fields',
    },
    {
        kind: "refused later",
        what: 'envoy.resources.limits.cpu "2000"',
        program: app(guideArgs({ envoy: { resources: { limits: { cpu: "2000" } } } })),
        error: 'sigsci-envoy: invalid "envoy.resources.limits.cpu": got "2000"; expected at most 1024 cores ("1024"), as Envoy runs one worker per core of its limit ("2000m" is two cores); or set envoy.concurrency',
    },
    {
        kind: "refused later",
        what: 'envoy.resources.limits.cpu "2000m": two workers',
        program: app(guideArgs({ envoy: { resources: { limits: { cpu: "2000m" } } } })),
        objects: (o) => assert.ok(container(o, "envoy").args.join(" ").includes("--concurrency 2"), container(o, "envoy").args.join(" ")),
    },
    {
        kind: "refused later",
        what: "a node selector of no terms",
        program: app(guideArgs({ pod: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } } })),
        error: 'sigsci-envoy: invalid "pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms": got []; expected at least one term (a node selector with none matches no node)',
    },
    {
        kind: "refused later",
        what: "matchLabelKeys that are no label names",
        program: app(
            guideArgs({
                pod: {
                    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: {}, matchLabelKeys: ["Bad Key!"] }] } },
                },
            }),
        ),
        error: "sigsci-envoy: invalid \"pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys[0]\": got \"Bad Key!\"; expected a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.'",
    },
    {
        kind: "refused later",
        what: "matchLabelKeys without a labelSelector",
        program: app(
            guideArgs({
                pod: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", matchLabelKeys: ["pod-template-hash"] }] } } },
            }),
        ),
        error: 'sigsci-envoy: invalid "pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys": got ["pod-template-hash"]; expected nothing without a labelSelector (the keys add to it)',
    },
    {
        kind: "refused later",
        what: "a Secret key the API server refuses",
        program: app(guideArgs({ app: { image: "a:1", env: [{ name: "A", secretName: "s", secretKey: "bad key/!" }] } })),
        error: "sigsci-envoy: invalid \"app.env[0].secretKey\": got \"bad key/!\"; expected a key of a Secret: at most 253 letters, digits, '-', '_' and '.', not . or .. or starting with ..",
    },
    {
        kind: "refused later",
        what: "an env value with a NUL character",
        program: app(guideArgs({ app: { image: "a:1", env: [{ name: "A", value: "a\u0000b" }] } })),
        error: 'sigsci-envoy: invalid "app.env[0].value": got a string with a NUL character; expected a value without NUL characters (a process environment cannot hold one)',
    },
    {
        kind: "refused later",
        what: "an empty program to run",
        program: app(guideArgs({ app: { image: "a:1", command: [""] } })),
        error: 'sigsci-envoy: invalid "app.command[0]": got ""; expected the program to run, a non-empty string',
    },
    {
        kind: "refused later",
        what: "a listener without an address in envoy.extraConfig",
        program: app(guideArgs({ envoy: { extraConfig: { static_resources: { listeners: [{ name: "front" }] } } } })),
        error: 'sigsci-envoy: invalid "envoy.extraConfig": got a bootstrap the traffic-path verifier rejects (envoy-unverifiable Deployment default/helloworld: Envoy (container envoy) has static_resources.listeners[0]: a listener with no address: Envoy refuses the bootstrap; whether requests there are inspected cannot be verified); expected one in which every request is proven inspected; or set envoy.acknowledgeVerifierFindings: true to deploy it anyway, with these findings annotated on the Deployment and in the acknowledgedFindings output',
    },
    {
        kind: "blame",
        what: "a limit under the default request: the request follows it, as Kubernetes defaults a request to its limit",
        program: app(guideArgs({ app: { image: "a:1", resources: { limits: { memory: "64Mi", cpu: "50m" } } } })),
        objects: (o) => assert.deepStrictEqual(container(o, "app").resources, { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "50m", memory: "64Mi" } }),
    },
    {
        kind: "refused later",
        what: 'inspection.timeout "0.000000001s"',
        program: app(guideArgs({ inspection: { timeout: "0.000000001s" } })),
        error: 'sigsci-envoy: invalid "inspection.timeout": got "0.000000001s"; expected a duration of whole milliseconds in seconds such as "0.2s" or "1s", from 0.001s to 4294967.295s (Envoy reads the check\'s gRPC timeout as 32-bit milliseconds)',
    },
    {
        kind: "refused later",
        what: 'inspection.timeout "0.001s" and "0.250s"',
        program: app(guideArgs({ inspection: { timeout: "0.250s" } })),
        objects: (o) => assert.strictEqual(extAuthzOf(o).grpc_service.timeout, "0.250s"),
    },
    // 8. a value that arrived as a secret is named, never shown
    {
        kind: "secret shown",
        what: "a secret in app.args beside a number",
        program: app(guideArgs({ app: { image: "a:1", args: [pulumi.secret("TOPSECRET-ARG-5"), 5 as any] } })),
        secrets: ["TOPSECRET-ARG-5"],
        error: 'sigsci-envoy: invalid "app.args": got (a secret value); expected a list of strings',
    },
    {
        kind: "secret shown",
        what: "a secret label value",
        program: app(guideArgs({ labels: { team: pulumi.secret("TOP SECRET-6") } })),
        secrets: ["TOP SECRET-6"],
        error: "sigsci-envoy: invalid \"labels.team\": got (a secret value); expected a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    },
    {
        kind: "secret shown",
        what: "a secret port",
        program: app(guideArgs({ app: { image: "a:1", port: pulumi.secret(70000) } })),
        error: 'sigsci-envoy: invalid "app.port": got (a secret value); expected a port number from 1 to 65535',
    },
    {
        kind: "secret shown",
        what: "a secret port on the metrics exporter's",
        program: app(guideArgs({ app: { image: "a:1", port: pulumi.secret(9102) }, agent: { metrics: true } })),
        error: 'sigsci-envoy: invalid "app.port": got (a secret value); expected a port other than (a secret value), which clashes with the metrics exporter\'s port in the same pod (the statsd-exporter that agent.metrics adds beside the agent)',
    },
    // Its text is kept out of the whole message, even where the message names a value of its own alike.
    {
        kind: "secret shown",
        what: "a secret name compared with another input",
        program: app(guideArgs({ app: { image: "a:1", containerName: pulumi.secret("envoy") } })),
        error: 'sigsci-envoy: invalid "app.containerName": got (a secret value); expected a name other than (a secret value) and "sigsci-agent", which the pod\'s other containers use',
    },
    {
        kind: "secret shown",
        what: "credentials given as a string",
        program: app(guideArgs({ credentials: "AKID-AS-TEXT-7:SECRET-AS-TEXT-8" as any })),
        secrets: ["AKID-AS-TEXT-7", "SECRET-AS-TEXT-8"],
        error: 'sigsci-envoy: invalid "credentials": got "(a string)"; expected an object',
    },
    {
        kind: "secret shown",
        what: "a secret Envoy log level",
        program: app(guideArgs({ envoy: { logLevel: pulumi.secret("chatty-secret-9") as any } })),
        secrets: ["chatty-secret-9"],
        error: 'sigsci-envoy: invalid "envoy.logLevel": got (a secret value); expected one of "trace", "debug", "info", "warning", "warn", "error", "critical", "off"',
    },
    {
        kind: "secret shown",
        what: "a secret number another input is compared with",
        program: app(guideArgs({ envoy: { preStopSleepSeconds: pulumi.secret(40) }, app: { image: "a:1", preStopSleepSeconds: 20 } })),
        error: 'sigsci-envoy: invalid "app.preStopSleepSeconds": got 20; expected more seconds than envoy.preStopSleepSeconds ((a secret value)), so the app outlives Envoy\'s drain',
    },
    {
        kind: "secret shown",
        what: "a short secret limit a request is compared with",
        program: app(guideArgs({ app: { image: "a:1", resources: { requests: { cpu: "3" }, limits: { cpu: pulumi.secret("2") } } } })),
        error: 'sigsci-envoy: invalid "app.resources.requests.cpu": got "3"; expected at most app.resources.limits.cpu ((a secret value))',
    },
    {
        kind: "secret shown",
        what: "a plain port equal to a secret one",
        program: app(guideArgs({ app: { image: "a:1", port: pulumi.secret(9998) }, agent: { grpcPort: 9998 } })),
        error: 'sigsci-envoy: invalid "agent.grpcPort": got (a secret value); expected a port not already used by "app.port" in the same pod',
    },
    {
        kind: "secret shown",
        what: "a plain env name equal to a secret one",
        program: app(
            guideArgs({
                app: {
                    image: "a:1",
                    env: [
                        { name: pulumi.secret("XYZ"), value: "1" },
                        { name: "XYZ", value: "2" },
                    ],
                },
            }),
        ),
        error: 'sigsci-envoy: invalid "app.env[1].name": got (a secret value); expected a name not already used by another app.env entry (app.env[0])',
    },
    {
        kind: "secret shown",
        what: "a secret namespace in a clash",
        alone: () => void new AgentService("x", { credentials: KEYS, namespace: "ops" }),
        program: () => {
            new AgentService("x", { credentials: KEYS, namespace: "ops" });
            new EnvoyApp("x", guideArgs({ credentials: KEYS, namespace: pulumi.secret("ops") }));
        },
        error: 'sigsci-envoy: invalid "name": got "x"; expected a name no other component of this program uses in namespace (a secret value): EnvoyApp "x" would create Deployment (a secret value)/x, Service (a secret value)/x, PodDisruptionBudget (a secret value)/x and NetworkPolicy (a secret value)/x, which AgentService "x" already creates',
    },
    {
        kind: "secret shown",
        what: "secret numbers and a short secret namespace in a warning",
        program: app(guideArgs({ credentials: KEYS, namespace: pulumi.secret("ops"), replicas: pulumi.secret(2), agentService: { create: { autoscaling: { maxReplicas: pulumi.secret(10) } } } })),
        warnings: [
            "agentService.create.autoscaling.maxReplicas: its autoscaler may run (a secret value) agent pods, but with ext_authz and the access log each Envoy pod keeps one agent pod (Service (a secret value)/helloworld-agent, sessionAffinity: ClientIP) and at most (a secret value) Envoy pods reach it: lower maxReplicas to (a secret value) or use ext_proc",
        ],
    },
    // 9. messages that blame the right input
    {
        kind: "blame",
        what: "a shared link's integration",
        program: app({ app: { image: "a:1" }, agentService: { endpoint: "agents.waf.svc.cluster.local:9999", integration: "grpc" } }),
        error: 'sigsci-envoy: invalid "agentService.integration": got "grpc"; expected one of "ext_authz", "ext_proc"',
    },
    {
        kind: "blame",
        what: "a shared link's expectResponseData",
        program: app({ app: { image: "a:1" }, agentService: { endpoint: "agents.waf.svc.cluster.local:9999", expectResponseData: "yes" } }),
        error: 'sigsci-envoy: invalid "agentService.expectResponseData": got "yes"; expected true or false',
    },
    {
        kind: "blame",
        what: "a port set on another listener's default",
        program: app(guideArgs({ app: { image: "a:1", port: 9999 } })),
        error: 'sigsci-envoy: invalid "app.port": got 9999; expected a port not already used by "agent.grpcPort" (its default) in the same pod',
    },
    {
        kind: "blame",
        what: "two ports set alike: the later is blamed",
        program: app(guideArgs({ app: { image: "a:1", port: 7000 }, agent: { grpcPort: 7000 } })),
        error: 'sigsci-envoy: invalid "agent.grpcPort": got 7000; expected a port not already used by "app.port" in the same pod',
    },
];

interface Outcome {
    errors: string[];
    warnings: string[];
    registered: number;
    plain: string[];
    objects: any[];
}

async function outcome(row: Row): Promise<Outcome> {
    const thrown: unknown[] = [];
    const run = await runProgram(() => {
        try {
            row.program();
        } catch (e) {
            thrown.push(e);
        }
    });
    const errors = [...thrown, ...run.errors];
    for (const e of errors) assert.ok(e instanceof InputError, `not an InputError: ${(e as Error)?.stack ?? e}`);
    return {
        errors: errors.map((e) => (e as Error).message),
        warnings: run.warnings,
        registered: run.resources.length,
        plain: run.resources.flatMap((r) => plainStrings(r.inputs).map(([, s]) => s)),
        objects: errors.length === 0 ? kubernetesObjects(run) : [],
    };
}

describe("every caller, every input: the table by class", () => {
    const outcomes = new Map<Row, Outcome>();
    const alone = new Map<Row, number>();
    before(async function () {
        this.timeout(60000);
        for (const row of ROWS) {
            outcomes.set(row, await outcome(row));
            if (row.alone) alone.set(row, (await runProgram(row.alone)).resources.length);
        }
    });

    for (const row of ROWS) {
        it(`${row.kind}: ${row.what} ${row.error ? "is refused, with nothing registered" : "is accepted"}`, () => {
            const o = outcomes.get(row)!;
            if (row.error) {
                assert.deepStrictEqual(o.errors, [row.error]);
                assert.strictEqual(o.registered, row.alone ? alone.get(row) : 0, "nothing of the refused component registered, not even itself");
            } else {
                assert.deepStrictEqual(o.errors, []);
                row.objects?.(o.objects);
                if (row.warnings) assert.deepStrictEqual(o.warnings, row.warnings);
            }
        });
    }

    it("never shows a secret or a credential a row was given: not in an error, a warning or a plain input", () => {
        const leaks: string[] = [];
        for (const row of ROWS) {
            const o = outcomes.get(row)!;
            const given = [...(row.secrets ?? []), KEYS.accessKeyId, KEYS.secretAccessKey];
            for (const s of given) {
                for (const m of [...o.errors, ...o.warnings]) if (m.includes(s)) leaks.push(`${row.what}: message shows ${s}: ${m}`);
                if (o.plain.some((p) => p.includes(s))) leaks.push(`${row.what}: a plain input holds ${s}`);
            }
        }
        assert.deepStrictEqual(leaks, []);
    });
});

// ---- the stack program: the same rules, each refusal naming its key with a fix that passes ----

const PROJECT = "sigsci-envoy";
const BASE = { appName: "helloworld", appImage: "signalsciences/example-helloworld:latest", accessKeyId: "AKID-STACK-1", secretAccessKey: "SECRET-STACK-2" };
const AGENT_KEYS = ["accessKeyId", "secretAccessKey"];

interface StackRow {
    kind: string;
    what: string;
    values: Record<string, string>;
    /** Keys set with `pulumi config set --secret` (the agent keys always are). */
    secret?: string[];
    error: string;
}

const stackKeysOf = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v]));

function readStack(row: StackRow): string {
    const secret = [...AGENT_KEYS, ...(row.secret ?? [])].filter((k) => k in row.values);
    pulumi.runtime.setAllConfig(
        stackKeysOf(row.values),
        secret.map((k) => `${PROJECT}:${k}`),
    );
    try {
        readStackPlan(currentStack(new pulumi.Config(PROJECT)));
        return "accepted";
    } catch (e) {
        return (e as Error).message;
    }
}

const STACK_ROWS: StackRow[] = [
    // 1. a decrypted secret in a hint
    {
        kind: "secret in a hint",
        what: "a misspelt secret key",
        values: { ...BASE, agentKey: "TOPSECRET-STACK-3" },
        secret: ["agentKey"],
        error: 'sigsci-envoy: config "sigsci-envoy:agentKey" is not a setting of this program (docs/reference.md lists them all). Fix it with: pulumi config rm agentKey',
    },
    {
        kind: "secret in a hint",
        what: "a misspelt secret key whose value would pass where it belongs",
        values: { ...BASE, namespce: "secret-ns-4" },
        secret: ["namespce"],
        error: 'sigsci-envoy: config "sigsci-envoy:namespce" is not a setting of this program: did you mean namespace? Fix it with: pulumi config rm namespce && pulumi config set --secret namespace <the value of namespce>',
    },
    {
        kind: "secret in a hint",
        what: "an agent key misspelt in an app",
        values: { ...BASE, appName: undefined as any, apps: JSON.stringify([{ appName: "shop", accesskeyid: "TOPSECRET-STACK-5" }]) },
        secret: ["apps"],
        error: "sigsci-envoy: config \"sigsci-envoy:apps[0].accesskeyid\" is not a setting of an app: did you mean accessKeyId, a setting of the whole stack (at the top level)? Fix it with: pulumi config rm --path 'apps[0].accesskeyid'",
    },
    {
        kind: "secret in a hint",
        what: "an agent key set in an app",
        values: { ...BASE, appName: undefined as any, apps: JSON.stringify([{ appName: "shop", accessKeyId: "TOPSECRET-STACK-6" }]) },
        secret: ["apps"],
        error: "sigsci-envoy: config \"sigsci-envoy:apps[0].accessKeyId\" is set for one app, but it is a setting of the whole stack: set accessKeyId at the top level. Fix it with: pulumi config rm --path 'apps[0].accessKeyId'",
    },
    {
        kind: "secret in a hint",
        what: "a bad value of a secret key",
        values: { ...BASE, appImage: "TOP SECRET IMAGE-7" },
        secret: ["appImage"],
        error: 'sigsci-envoy: config "sigsci-envoy:appImage" is (a secret value): expected an image reference such as "signalsciences/sigsci-agent:4.60.0" or "registry.example.com/team/app@sha256:<64 hex>". Fix it with: pulumi config set --secret appImage signalsciences/example-helloworld:latest',
    },
    {
        kind: "secret in a hint",
        what: "a bad label in a secret map: its name and value",
        values: { ...BASE, podLabels: JSON.stringify({ "team-secret": "Top Secret Team" }) },
        secret: ["podLabels"],
        error: "sigsci-envoy: config \"sigsci-envoy:podLabels\" has (a secret value) (a secret value): expected a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. Fix it with: pulumi config rm podLabels",
    },
    {
        kind: "secret in a hint",
        what: "a bad toleration in a secret list",
        values: { ...BASE, tolerations: JSON.stringify([{ key: "k", operator: "Exists", value: "tenant-secret-11" }]) },
        secret: ["tolerations"],
        error: 'sigsci-envoy: config "sigsci-envoy:tolerations" has [0].value (a secret value): expected nothing with operator (a secret value) (it tolerates any value). Fix it with: pulumi config rm tolerations',
    },
    {
        kind: "secret in a hint",
        what: "an empty secret value is hidden whole, not garbled",
        values: { ...BASE, namespace: "" },
        secret: ["namespace"],
        error: "sigsci-envoy: config \"sigsci-envoy:namespace\" is (a secret value): expected a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit. Fix it with: pulumi config set --secret namespace default",
    },
    {
        kind: "secret in a hint",
        what: "a secret app name: resource names are never secret",
        values: { ...BASE, appName: "hidden-app" },
        secret: ["appName"],
        error: 'sigsci-envoy: config "sigsci-envoy:appName" is set as a secret, but it names Pulumi resources, which show in every URN and log line: set it as a plain value. Fix it with: pulumi config rm appName && pulumi config set appName <the value of appName>',
    },
    {
        kind: "secret in a hint",
        what: "a plain port equal to a secret one",
        values: { ...BASE, appPort: "9998", agentGrpcPort: "9998" },
        secret: ["appPort"],
        error: 'sigsci-envoy: config "sigsci-envoy:agentGrpcPort" is (a secret value): expected a port not already used by "appPort" in the same pod. Fix it with: pulumi config set agentGrpcPort 9999',
    },
    {
        kind: "secret in a hint",
        what: "a misspelt key far from any, whose value is never guessed at",
        values: { ...BASE, envoyCpu: "2" },
        error: 'sigsci-envoy: config "sigsci-envoy:envoyCpu" is not a setting of this program (docs/reference.md lists them all). Fix it with: pulumi config rm envoyCpu',
    },
    {
        kind: "secret in a hint",
        what: "a misspelt key meaning one already set: the set one is never overwritten",
        values: { ...BASE, appimage: "other:1" },
        error: 'sigsci-envoy: config "sigsci-envoy:appimage" is not a setting of this program: did you mean appImage? (appImage is set already). Fix it with: pulumi config rm appimage',
    },
    {
        kind: "fix",
        what: "a list of the user's with a bad element: removed, never replaced by an example",
        values: { ...BASE, loadBalancerSourceRanges: JSON.stringify(["10.0.0.0/8", "192.168.0.0/33"]) },
        error: 'sigsci-envoy: config "sigsci-envoy:loadBalancerSourceRanges" has [1] "192.168.0.0/33": expected a network in CIDR notation, such as "203.0.113.0/24" or "2001:db8::/32". Fix it with: pulumi config rm loadBalancerSourceRanges',
    },
    {
        kind: "fix",
        what: "a moved value with a quote in it, quoted for the shell",
        values: { ...BASE, podannotations: JSON.stringify({ note: "it's fine" }) },
        error: 'sigsci-envoy: config "sigsci-envoy:podannotations" is not a setting of this program: did you mean podAnnotations? Fix it with: pulumi config rm podannotations && pulumi config set podAnnotations \'{"note":"it\'\\\'\'s fine"}\'',
    },
    {
        kind: "secret in a hint",
        what: "a blank agent key",
        values: { ...BASE, secretAccessKey: "   " },
        error: 'sigsci-envoy: config "sigsci-envoy:secretAccessKey" is an empty string: expected the Agent Secret Key, a non-empty string. Fix it with: pulumi config set --secret secretAccessKey <Agent Secret Key>',
    },
    // 3. name clashes, before anything registers, on the key that caused them
    {
        kind: "clash",
        what: "an app named like the fleet, in its namespace",
        values: {
            accessKeyId: BASE.accessKeyId,
            secretAccessKey: BASE.secretAccessKey,
            namespace: "waf",
            apps: JSON.stringify([{ appName: "sigsci-agents", appImage: "a:1", agentLayout: "service" }]),
        },
        error: 'sigsci-envoy: config "sigsci-envoy:apps[0].appName" is "sigsci-agents": expected a name no other component of this program uses in namespace waf: EnvoyApp "sigsci-agents" would create Deployment waf/sigsci-agents, Service waf/sigsci-agents, PodDisruptionBudget waf/sigsci-agents and NetworkPolicy waf/sigsci-agents, which AgentService "sigsci-agents" already creates. Fix it with: pulumi config set --path \'apps[0].appName\' helloworld',
    },
    {
        kind: "clash",
        what: "apps whose names only look alike (web-agent beside web, both sidecars) do not clash",
        values: {
            accessKeyId: BASE.accessKeyId,
            secretAccessKey: BASE.secretAccessKey,
            apps: JSON.stringify([
                { appName: "shop", appImage: "a:1", agentLayout: "sidecar" },
                { appName: "web-agent", appImage: "a:1" },
                { appName: "web", appImage: "a:1", agentLayout: "sidecar" },
            ]),
        },
        error: "accepted",
    },
    // 6 and 9. values read as the components read them; refusals mapped to their key
    {
        kind: "misread",
        what: "a hexadecimal port",
        values: { ...BASE, appPort: "0x1F90" },
        error: 'sigsci-envoy: config "sigsci-envoy:appPort" is "0x1F90": expected a number in decimal notation. Fix it with: pulumi config set appPort 8080',
    },
    {
        kind: "misread",
        what: "replicas of .inf (a YAML float the CLI hands over as text)",
        values: { ...BASE, replicas: ".inf" },
        error: 'sigsci-envoy: config "sigsci-envoy:replicas" is ".inf": expected a number in decimal notation. Fix it with: pulumi config set replicas 3',
    },
    {
        kind: "blame",
        what: "a pod label the component relies on",
        values: { ...BASE, podLabels: JSON.stringify({ "app.kubernetes.io/instance": "x" }) },
        error: 'sigsci-envoy: config "sigsci-envoy:podLabels" has app.kubernetes.io/instance "x": expected a label the component does not rely on: it selects its pods (and admits them to the agents) by this one. Fix it with: pulumi config rm podLabels',
    },
    {
        kind: "blame",
        what: "an affinity with a misspelt field",
        values: { ...BASE, affinity: JSON.stringify({ podAntiAffinity: { requiredDuringScheduling: [] } }) },
        error: 'sigsci-envoy: config "sigsci-envoy:affinity" has podAntiAffinity.requiredDuringScheduling: expected no such field: did you mean affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution? (a Kubernetes PodAntiAffinity has preferredDuringSchedulingIgnoredDuringExecution, requiredDuringSchedulingIgnoredDuringExecution). Fix it with: pulumi config rm affinity',
    },
    {
        kind: "blame",
        what: "an app's namespace that the fleet would admit: on the app's key",
        values: { accessKeyId: BASE.accessKeyId, secretAccessKey: BASE.secretAccessKey, apps: JSON.stringify([{ appName: "shop", appImage: "a:1", agentLayout: "service", namespace: "Shop" }]) },
        error: "sigsci-envoy: config \"sigsci-envoy:apps[0].namespace\" is \"Shop\": expected a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit. Fix it with: pulumi config set --path 'apps[0].namespace' shop",
    },
    {
        kind: "blame",
        what: "a typo in the agents' affinity, named by its key",
        values: { ...BASE, agentLayout: "service", agentAffinity: JSON.stringify({ nodeAfinity: {} }) },
        error: 'sigsci-envoy: config "sigsci-envoy:agentAffinity" has nodeAfinity: expected no such field: did you mean agentAffinity.nodeAffinity? (a Kubernetes Affinity has nodeAffinity, podAffinity, podAntiAffinity). Fix it with: pulumi config rm agentAffinity',
    },
    {
        kind: "blame",
        what: "fixed agent replicas beside the autoscaler, named by keys",
        values: { ...BASE, agentLayout: "service", agentReplicas: "2", agentMaxReplicas: "4" },
        error: 'sigsci-envoy: config "sigsci-envoy:agentReplicas" is 2: expected nothing when agentMaxReplicas is given (the autoscaler owns the replica count). Fix it with: pulumi config rm agentReplicas',
    },
    {
        kind: "not data",
        what: "apps nested deeper than any input may be",
        values: { accessKeyId: BASE.accessKeyId, secretAccessKey: BASE.secretAccessKey, apps: `[{"appName":"shop","appImage":"a:1","affinity":${"[".repeat(5000)}${"]".repeat(5000)}}]` },
        error: 'sigsci-envoy: config "sigsci-envoy:apps" nests more than 64 levels deep: expected a JSON list of objects, at most 64 levels deep',
    },
    {
        kind: "blame",
        what: "an app port on the agent's default port, in an app",
        values: { accessKeyId: BASE.accessKeyId, secretAccessKey: BASE.secretAccessKey, apps: JSON.stringify([{ appName: "shop", appImage: "a:1", appPort: 9999 }]) },
        error: 'sigsci-envoy: config "sigsci-envoy:apps[0].appPort" is 9999: expected a port not already used by "agentGrpcPort" (its default) in the same pod. Fix it with: pulumi config set --path \'apps[0].appPort\' 8080',
    },
];

describe("every caller, every input: the stack program's table", () => {
    after(() => pulumi.runtime.setAllConfig({}));
    for (const row of STACK_ROWS) {
        it(`${row.kind}: ${row.what}`, () => {
            for (const k of Object.keys(row.values)) if (row.values[k] === undefined) delete row.values[k];
            assert.strictEqual(readStack(row), row.error);
        });
    }

    it("never shows a value set as a secret, nor an agent key, in a message or a fix", () => {
        const leaks: string[] = [];
        for (const row of STACK_ROWS) {
            const message = readStack(row);
            const secret = [...AGENT_KEYS, ...(row.secret ?? [])].filter((k) => row.values[k] !== undefined);
            const texts = secret.flatMap((k) => (k === "apps" ? (JSON.parse(row.values.apps) as object[]).flatMap((a) => Object.values(a)).map(String) : [row.values[k]]));
            for (const t of texts.filter((x) => x.trim().length >= 4)) if (message.includes(t)) leaks.push(`${row.what}: ${t}`);
        }
        assert.deepStrictEqual(leaks, []);
    });

    it("hands the components every value of a secret key as a secret: in no plain input, no warning", async () => {
        const config = stackKeysOf({ ...BASE, namespace: "ops-secret-ns", appImage: "registry.example.com/secret-team/app:9.9.9", agentLayout: "service", agentMaxReplicas: "10", replicas: "2" });
        const secret = ["accessKeyId", "secretAccessKey", "namespace", "appImage", "agentMaxReplicas"].map((k) => `${PROJECT}:${k}`);
        const program = path.join(REPO, "bin/program/index.js");
        delete require.cache[require.resolve(program)];
        const run = await evaluate(() => require(program), { config, secretKeys: secret, project: PROJECT });
        assert.deepStrictEqual(run.errors, []);
        assert.ok(
            run.resources.some((r) => JSON.stringify(r.inputs).includes("secret-team")),
            "the image reaches the Deployment",
        );
        const plain = run.resources.flatMap((r) => plainStrings(r.inputs).map(([at, v]) => `${r.name} ${at}: ${v}`));
        assert.deepStrictEqual(
            plain.filter((p) => /secret-team|ops-secret-ns/.test(p)),
            [],
        );
        assert.deepStrictEqual(run.warnings, [
            "agentService.create.autoscaling.maxReplicas: its autoscaler may run (a secret value) agent pods, but with ext_authz and the access log each Envoy pod keeps one agent pod (Service (a secret value)/helloworld-agent, sessionAffinity: ClientIP) and at most 2 Envoy pods reach it: lower maxReplicas to 2 or use ext_proc",
        ]);
    });

    it("the render puts objects without a namespace in kubernetes:namespace, as pulumi up does", async () => {
        const dir = scratchDir("every-caller");
        fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), JSON.stringify({ config: { ...stackKeysOf(BASE), "kubernetes:namespace": "team" } }));
        const r = await renderStack("s", dir);
        assert.ok(r.summary.includes("  output frontUrl: http://helloworld.team.svc.cluster.local:8000"), r.summary.join("\n"));
        assert.ok(
            r.summary.some((l) => l.startsWith("note: Secret team/helloworld-sigsci-credentials-")),
            r.summary.join("\n"),
        );
        assert.ok(r.summary.includes("  kubectl create namespace team"), r.summary.join("\n"));
    });

    it("the render merges the project's own config (Pulumi.yaml config:) as pulumi up does, and refuses what it cannot read offline", async () => {
        const dir = scratchDir("every-caller");
        fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
        const project = (config: string) => fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `${fs.readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8")}config:\n${config}`);
        const stack = (text: string) => fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), text);
        const { appImage: _i, ...noImage } = BASE;
        // A default for a key the stack does not set; the stack's own value wins over another.
        project("  appImage: nginx:1.27\n  replicas:\n    type: integer\n    default: 3\n");
        stack(JSON.stringify({ config: stackKeysOf(noImage) }));
        const r = await renderStack("s", dir);
        const deployment = r.objects.find((o) => o.kind === "Deployment");
        assert.strictEqual(deployment.spec.replicas, 3);
        assert.strictEqual(deployment.spec.template.spec.containers.find((c: any) => c.name === "app").image, "nginx:1.27");
        stack(JSON.stringify({ config: stackKeysOf({ ...noImage, replicas: "two" }) }));
        await assert.rejects(renderStack("s", dir), { message: "Stack 's' with configuration key 'replicas' must be of type 'integer'" });
        // A key the project declares without a default must be set by the stack.
        project("  appImage:\n    type: string\n");
        stack(JSON.stringify({ config: stackKeysOf(noImage) }));
        await assert.rejects(renderStack("s", dir), { message: "Stack 's' is missing configuration value 'appImage'" });
        // Pulumi ESC environments are opened by Pulumi Cloud, never offline.
        project("  appImage: nginx:1.27\n");
        stack(
            `environment:\n  - team/waf-prod\n${JSON.stringify({ config: stackKeysOf(noImage) })
                .replace(/^\{|\}$/g, "")
                .replace(/^"config":/, "config: ")}\n`,
        );
        await assert.rejects(renderStack("s", dir), /imports Pulumi ESC environments \(environment:\), which the render cannot open offline/);
    });

    it("the render refuses a blank plain-text agent key as pulumi up does, and names the current namespace of an existing Secret", async () => {
        const dir = scratchDir("every-caller");
        fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
        const write = (config: Record<string, string>) => fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), JSON.stringify({ config: stackKeysOf(config) }));
        write({ ...BASE, accessKeyId: "  " });
        await assert.rejects(renderStack("s", dir), {
            message:
                'sigsci-envoy: config "sigsci-envoy:accessKeyId" is an empty string: expected the Agent Access Key, a non-empty string. Fix it with: pulumi config set --secret accessKeyId <Agent Access Key>',
        });
        const { accessKeyId: _a, secretAccessKey: _s, ...plain } = BASE;
        write({ ...plain, existingSecretName: "sigsci-keys" });
        const r = await renderStack("s", dir);
        assert.ok(
            r.summary.includes(
                "note: Secret sigsci-keys (in the current namespace) is read by the pods (keys accesskeyid, secretaccesskey) but not created by the program: it must exist before they start, e.g.:",
            ),
            r.summary.join("\n"),
        );
        assert.ok(
            r.summary.includes("  kubectl create secret generic sigsci-keys --from-literal=accesskeyid=<Agent Access Key> --from-literal=secretaccesskey=<Agent Secret Key>"),
            r.summary.join("\n"),
        );
    });
});
