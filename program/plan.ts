// The stack's values as component args: one app from the flat keys, or several from `apps` over
// the top-level defaults, the agent fleet the service-layout apps share, and the GatewayWaf of
// the Envoy Gateway layout (beside the apps, or alone). What the keys alone
// decide (a misspelt key, a missing one, a key set where it means nothing) is a Problem here;
// the components' own rules are checked by problems.ts on the plan.
import * as pulumi from "@pulumi/pulumi";
import { AgentServiceArgs, AgentCredentials, EnvoyAppArgs, GatewayRoute, GatewayWafArgs, IstioAppArgs, PodOptions } from "../sdk";
import {
    AGENT_POD_KEYS,
    AGENT_SCALING_KEYS,
    CONFIG_KEYS,
    GATEWAY_BODY_VALUES,
    GATEWAY_ONLY,
    INTEGRATION_VALUES,
    IP_FAMILY_VALUES,
    keyOf,
    Key,
    Layout,
    LAYOUTS,
    meantKey,
    MULTI_ONLY,
    POD_KEYS,
    SERVICE_TYPE_VALUES,
    Target,
    TRAFFIC_POLICY_VALUES,
} from "./keys";
import { At, isSecretAt, Problem, Reader, readValue, text, Values } from "./values";

/**
 * One app of the stack: an EnvoyApp (sidecar or service layout) or an IstioApp (mesh). `shared`:
 * it uses the stack's agent fleet (its args then get the fleet's link).
 */
export type AppPlan = {
    name: string;
    shared: boolean;
    /** The inputs set by secret keys: the program hands them to the components as secrets. */
    secretInputs: string[];
} & ({ layout: "sidecar" | "service"; args: EnvoyAppArgs } | { layout: "mesh"; args: IstioAppArgs });

/** A component of the stack beside its apps: its name, args, and the inputs set by secret keys. */
export interface ComponentPlan<Args> {
    name: string;
    args: Args;
    secretInputs: string[];
}

/** What the stack deploys: its apps, the agent fleet they share (several apps, any in the service layout), and a GatewayWaf. */
export interface StackPlan {
    /** Several apps (`apps`), rather than the one of the flat keys (or none, beside a Gateway). */
    multi: boolean;
    apps: AppPlan[];
    fleet?: ComponentPlan<AgentServiceArgs>;
    gateway?: ComponentPlan<GatewayWafArgs>;
}

type Credentials = AgentCredentials;

/** The whole stack as component args; `credential` gives each agent key (an output for the components, plain for the checks). */
export function planOf(values: Values, credential: (key: string) => pulumi.Input<string>): StackPlan {
    const top = values.top;
    for (const key of Object.keys(top)) {
        // A misspelt key would be ignored and its default used: refuse it.
        if (!keyOf(key)) {
            const meant = meantKey(key);
            if (meant === undefined) throw new Problem({ key }, "is not a setting of this program (docs/reference.md lists them all)");
            throw new Problem({ key }, `is not a setting of this program: did you mean ${meant}?${values.top[meant] === undefined ? "" : ` (${meant} is set already)`}`, { key: meant });
        }
    }
    for (const key of ["appName", "agentServiceName"]) {
        // Names of Pulumi resources are in every URN, output and log line: no secret can be one.
        if (top[key] !== undefined && values.secret.has(key)) {
            throw new Problem(
                { key },
                "is set as a secret, but it names Pulumi resources, which show in every URN and log line: set it as a plain value",
                undefined,
                `pulumi config rm ${key} && pulumi config set ${key} <the value of ${key}>`,
            );
        }
    }
    if (top.apps !== undefined) readValue({ key: "apps" }, top.apps);
    const credentials = readCredentials(top, credential);
    const gateway = gatewayPlan(values, credentials);
    if (values.apps === undefined) {
        for (const key of MULTI_ONLY) {
            if (top[key] !== undefined && !(gateway && keyOf(key)!.input.gateway !== undefined))
                throw new Problem({ key }, "is set, but apps is not (it belongs to the agent fleet several apps share)");
        }
        // A Gateway alone: the app keys have no app to set.
        if (gateway && top.appName === undefined) {
            for (const k of CONFIG_KEYS) {
                if (k.scope !== "app" || top[k.key] === undefined || k.input.gateway !== undefined || k.key === "namespace") continue;
                // The app's inspection keys have the Gateway's beside them: the value moves there.
                const meant = GATEWAY_KEYS_OF_APP_KEYS[k.key];
                if (meant !== undefined) throw new Problem({ key: k.key }, `is set, but the stack has no app (appName or apps): did you mean ${meant}, the Gateway's?`, { key: meant });
                throw new Problem({ key: k.key }, "is set, but the stack has no app (appName or apps): it is a setting of an app");
            }
            return { multi: false, apps: [], gateway };
        }
        const app = appPlan(
            top,
            credentials,
            false,
            (key) => ({ key }),
            (at) => isSecretAt(values, at),
            gateway !== undefined,
        );
        return { multi: false, apps: [app], gateway };
    }
    return { ...multiPlan(values, values.apps, credentials, gateway !== undefined), gateway };
}

function readCredentials(top: Record<string, string>, credential: (key: string) => pulumi.Input<string>): Credentials {
    const existingSecretName = new Reader(top, (key) => ({ key })).string("existingSecretName");
    const hasKeys = top.accessKeyId !== undefined || top.secretAccessKey !== undefined;
    if (existingSecretName === undefined) {
        for (const key of ["accessKeyId", "secretAccessKey"]) {
            if (top[key] === undefined) throw new Problem({ key }, "is not set (give both agent keys as secrets, or existingSecretName)");
        }
    } else if (hasKeys) {
        throw new Problem({ key: "existingSecretName" }, "is set together with accessKeyId/secretAccessKey: give one or the other");
    }
    return existingSecretName !== undefined ? { existingSecretName } : { accessKeyId: credential("accessKeyId"), secretAccessKey: credential("secretAccessKey") };
}

/** The Gateway's keys for what an app's inspection keys set. */
const GATEWAY_KEYS_OF_APP_KEYS: Record<string, string> = { failOpen: "gatewayFailOpen", inspectionTimeout: "gatewayTimeout", maxRequestBytes: "gatewayMaxRequestBytes" };

/**
 * One app from its values: the flat keys (one app), or an entry over the top-level defaults
 * (`atOf` says where each key was set). With several apps, one in the service layout shares the
 * stack's agent fleet. `gateway`: the stack has a GatewayWaf, whose agents the agent keys set too.
 */
function appPlan(v: Record<string, string | undefined>, credentials: Credentials, multi: boolean, atOf: (key: string) => At, secretAt: (at: At) => boolean, gateway: boolean): AppPlan {
    const read = new Reader(v, atOf);
    for (const k of CONFIG_KEYS) if (k.required && k.scope === "app" && v[k.key] === undefined) throw new Problem(atOf(k.key), "is not set");
    const name = read.string("appName")!;
    const layout = read.oneOf("agentLayout", LAYOUTS) ?? "sidecar";
    const shared = multi && layout === "service";
    // A key of another layout's component means nothing here: refused where it was set for this
    // app (a top-level default of several apps is for the apps whose layout has it).
    for (const k of CONFIG_KEYS) {
        const mine = !multi || atOf(k.key).app !== undefined;
        if (mine && k.scope === "app" && v[k.key] !== undefined && Object.keys(k.input).length > 0 && k.input[layout] === undefined && !(!multi && k.input.gateway !== undefined && gateway))
            throw new Problem(atOf(k.key), `is set but agentLayout is ${JSON.stringify(layout)}, which has no such setting (${layoutsOf(k)})`);
    }
    if (layout !== "service" && !multi && !gateway) {
        for (const key of [...AGENT_SCALING_KEYS, ...AGENT_POD_KEYS]) {
            if (v[key] !== undefined)
                throw new Problem(
                    atOf(key),
                    `is set but agentLayout is ${JSON.stringify(layout)} (the agent ${AGENT_POD_KEYS.includes(key) ? "runs in the app's pod" : "scales with the app"}, and the stack has no Gateway)`,
                );
        }
    }
    const agent = { image: read.string("agentImage"), grpcPort: read.number("agentGrpcPort"), nativeSidecar: read.boolean("agentNativeSidecar"), metrics: read.boolean("agentMetrics") };
    // The inputs that secret keys set (a name and the layout shape the plan: they are not inputs).
    const secretInputs = CONFIG_KEYS.filter((k) => !k.secret && k.input[layout] !== undefined && v[k.key] !== undefined && secretAt(atOf(k.key))).map((k) => k.input[layout]!);
    const app = { image: read.string("appImage")!, port: read.number("appPort"), args: read.list("appArgs") };
    const service = {
        type: read.oneOf("serviceType", SERVICE_TYPE_VALUES),
        annotations: read.map("serviceAnnotations"),
        loadBalancerSourceRanges: read.list("loadBalancerSourceRanges"),
        externalTrafficPolicy: read.oneOf("externalTrafficPolicy", TRAFFIC_POLICY_VALUES),
    };
    if (layout === "mesh") {
        const args: IstioAppArgs = dropUndefined({
            namespace: read.string("namespace"),
            replicas: read.number("replicas"),
            app,
            credentials,
            inspection: { failOpen: read.boolean("failOpen"), timeout: read.string("inspectionTimeout"), maxRequestBytes: read.number("maxRequestBytes") },
            agent,
            service: { ...service, port: read.number("port") },
            pod: podOptions(read, ""),
            istio: { revision: read.string("istioRevision") },
        });
        return { name, layout, shared: false, args, secretInputs };
    }
    const common: EnvoyAppArgs = dropUndefined({
        namespace: read.string("namespace"),
        replicas: read.number("replicas"),
        port: read.number("port"),
        app,
        ipFamily: read.oneOf("ipFamily", IP_FAMILY_VALUES),
        envoy: { image: read.string("envoyImage"), metrics: read.boolean("envoyMetrics"), xffTrustedHops: read.number("xffTrustedHops") },
        inspection: {
            integration: read.oneOf("integration", INTEGRATION_VALUES),
            failOpen: read.boolean("failOpen"),
            timeout: read.string("inspectionTimeout"),
            maxRequestBytes: read.number("maxRequestBytes"),
            expectResponseData: read.boolean("expectResponseData"),
        },
        pod: podOptions(read, ""),
        service,
        monitoring: {
            podMonitor: read.boolean("podMonitor"),
            alerts: read.boolean("prometheusAlerts"),
            dashboard: read.boolean("grafanaDashboard"),
            prometheusLabels: read.map("prometheusLabels"),
            dashboardLabels: read.map("dashboardLabels"),
        },
    });
    if (shared) return { name, layout, shared, args: common, secretInputs };
    const withCredentials = { ...common, credentials };
    if (layout === "sidecar") return { name, layout, shared, args: { ...withCredentials, ...dropUndefined({ agent }) }, secretInputs };
    // The app's own agent Service (one app): the layout's own part stays even when empty, `agentService: {create: {}}` is what makes it.
    return { name, layout, shared, args: { ...withCredentials, agentService: { create: agentServiceSettings(read, v, atOf, agent) } }, secretInputs };
}

/** The layouts (and other parts of a stack) a key sets something of, as a message names them. */
function layoutsOf(k: Key): string {
    const targets = Object.keys(k.input) as Target[];
    const layouts = targets.filter((t): t is Layout => (LAYOUTS as readonly string[]).includes(t)).map((t) => JSON.stringify(t));
    const parts = [
        ...(layouts.length === 0
            ? []
            : [`the ${layouts.length === 1 ? layouts[0] : `${layouts.slice(0, -1).join(", ")} and ${layouts[layouts.length - 1]}`} layout${layouts.length === 1 ? "" : "s"}`]),
        ...(targets.includes("fleet") ? ["the shared agent fleet"] : []),
        ...(targets.includes("gateway") ? ["the Gateway"] : []),
    ];
    return `it is a setting of ${parts.join(", ")}`;
}

/** The pod options the keys give: the app's (no prefix) or the agent pods' (`agent`). */
function podOptions(read: Reader, prefix: "" | "agent"): PodOptions {
    const keyFor = (key: string) => (prefix ? `${prefix}${key[0].toUpperCase()}${key.slice(1)}` : key);
    const value = (key: string) => {
        const k = keyOf(keyFor(key))!;
        return k.kind === "map" ? read.map(k.key) : k.kind === "list" ? read.list(k.key) : k.kind === "objects" ? read.objects(k.key) : k.kind === "object" ? read.object(k.key) : read.string(k.key);
    };
    return Object.fromEntries(POD_KEYS.map(([field, key]) => [field, value(key)])) as PodOptions;
}

/** The settings of an agent Service from the stack-level agent keys. */
function agentServiceSettings(read: Reader, v: Record<string, string | undefined>, atOf: (key: string) => At, agent: { image?: string; grpcPort?: number }) {
    const maxReplicas = read.number("agentMaxReplicas");
    if (maxReplicas === undefined) {
        for (const key of ["agentMinReplicas", "agentCpuUtilization"]) if (v[key] !== undefined) throw new Problem(atOf(key), "is set, but agentMaxReplicas, which turns the autoscaler on, is not");
    }
    const autoscaling = maxReplicas === undefined ? undefined : { maxReplicas, minReplicas: read.number("agentMinReplicas"), cpuUtilization: read.number("agentCpuUtilization") };
    return dropUndefined({
        agent,
        replicas: read.number("agentReplicas"),
        autoscaling,
        pod: podOptions(read, "agent"),
        serviceAccountName: read.string("agentServiceAccountName"),
        serviceAnnotations: read.map("agentServiceAnnotations"),
        // The agent Services' monitoring takes the top-level prometheusLabels too.
        monitoring: { podMonitor: read.boolean("agentPodMonitor"), alerts: read.boolean("agentAlerts"), prometheusLabels: read.map("prometheusLabels") },
    });
}

/** Several apps: each entry over the top-level defaults, and the fleet the service-layout apps share. */
function multiPlan(values: Values, entries: Record<string, unknown>[], credentials: Credentials, gateway: boolean): Omit<StackPlan, "gateway"> {
    const top = values.top;
    if (entries.length === 0) throw new Problem({ key: "apps" }, "is an empty list: expected at least one app");
    if (top.appName !== undefined) throw new Problem({ key: "appName" }, "is set beside apps: give each app its appName in apps");
    const appKeys = CONFIG_KEYS.filter((k) => k.scope === "app");
    const apps: AppPlan[] = [];
    for (const [i, entry] of entries.entries()) {
        if (entry.appName === undefined) throw new Problem({ app: i, key: "appName" }, "is not set");
        if (entry.appImage === undefined && top.appImage === undefined) throw new Problem({ app: i, key: "appImage" }, "is not set (nor a default appImage at the top level)");
        for (const [key, value] of Object.entries(entry)) {
            const k = keyOf(key);
            if (!k) {
                // The key meant may be one of the stack's (an agent key): it then belongs at the top level.
                const near = meantKey(key);
                if (near === undefined) throw new Problem({ app: i, key }, "is not a setting of an app (docs/reference.md lists them all)");
                const meant = keyOf(near)!;
                if (meant.scope === "stack")
                    throw new Problem({ app: i, key }, `is not a setting of an app: did you mean ${meant.key}, a setting of the whole stack (at the top level)?`, { key: meant.key });
                throw new Problem({ app: i, key }, `is not a setting of an app: did you mean ${meant.key}?`, { app: i, key: meant.key });
            }
            if (k.scope === "stack") throw new Problem({ app: i, key }, `is set for one app, but it is a setting of the whole stack: set ${key} at the top level`, { key });
            if (value === null || ["object", "boolean", "number", "string"].indexOf(typeof value) < 0) throw new Problem({ app: i, key }, `is ${JSON.stringify(value)}: expected a value`);
        }
        const merged: Record<string, string | undefined> = {};
        for (const k of appKeys) merged[k.key] = text(entry[k.key]) ?? top[k.key];
        const atOf = (key: string): At => (entry[key] !== undefined ? { app: i, key } : { key });
        const plan = appPlan(merged, credentials, true, atOf, (at) => isSecretAt(values, at), gateway);
        // Two components of one name and type are one Pulumi resource twice (in any namespace): refuse the second by its key.
        const first = apps.findIndex((a) => a.name === plan.name);
        if (first >= 0) throw new Problem(atOf("appName"), `is ${JSON.stringify(plan.name)}, which apps[${first}] already uses: expected a name of its own`);
        if (plan.shared) {
            for (const key of ["agentImage", "agentGrpcPort"])
                if (entry[key] !== undefined) throw new Problem({ app: i, key }, `is set for an app of the shared agent fleet (agentLayout "service"): set ${key} at the top level`);
        }
        apps.push(plan);
    }
    const sharing = apps.filter((a) => a.shared);
    // A top-level default that no app's layout has (and no fleet or Gateway uses) sets nothing.
    for (const k of appKeys) {
        const used = Object.keys(k.input).length === 0 || apps.some((a) => k.input[a.layout] !== undefined) || (sharing.length > 0 && k.input.fleet) || (gateway && k.input.gateway);
        if (top[k.key] !== undefined && !used && k.key !== "namespace") throw new Problem({ key: k.key }, `is set, but no app's agentLayout has it (${layoutsOf(k)})`);
    }
    if (sharing.length === 0) {
        for (const key of [...AGENT_SCALING_KEYS, ...AGENT_POD_KEYS, ...MULTI_ONLY]) {
            if (top[key] !== undefined && !(gateway && keyOf(key)!.input.gateway !== undefined)) throw new Problem({ key }, 'is set, but no app uses the shared agent fleet (agentLayout "service")');
        }
        return { multi: true, apps };
    }
    const atTop = (key: string): At => ({ key });
    const read = new Reader(top, atTop);
    const name = read.string("agentServiceName") ?? keyOf("agentServiceName")!.default!;
    const namespace = read.string("agentNamespace") ?? read.string("namespace");
    // The fleet admits its apps' namespaces by name; with none given anywhere, all are the provider's, which it admits as its own.
    const unnamed = sharing.findIndex((a) => a.args.namespace === undefined);
    const allUnnamed = namespace === undefined && sharing.every((a) => a.args.namespace === undefined);
    if (unnamed >= 0 && !allUnnamed)
        throw new Problem(
            { app: apps.indexOf(sharing[unnamed]), key: "namespace" },
            "is not set, but the shared agent fleet admits its apps' namespaces by name: give each app of the fleet its namespace",
        );
    const clientNamespaces = allUnnamed ? undefined : [...new Set(sharing.map((a) => a.args.namespace as string))];
    const agent = { image: read.string("agentImage"), grpcPort: read.number("agentGrpcPort"), metrics: read.boolean("agentMetrics") };
    const args: AgentServiceArgs = dropUndefined({
        credentials: credentials!,
        namespace,
        integration: read.oneOf("integration", INTEGRATION_VALUES),
        expectResponseData: read.boolean("expectResponseData"),
        ipFamily: read.oneOf("ipFamily", IP_FAMILY_VALUES),
        clientNamespaces,
        ...agentServiceSettings(read, top, atTop, agent),
    });
    const secretInputs = [
        ...CONFIG_KEYS.filter((k) => !k.secret && k.input.fleet !== undefined && top[k.key] !== undefined && values.secret.has(k.key)).map((k) => k.input.fleet!),
        // Its namespace, when the top-level one gives it; the namespaces it admits, when an app's is secret.
        ...(top.agentNamespace === undefined && values.secret.has("namespace") ? ["namespace"] : []),
        ...(sharing.some((a) => a.secretInputs.includes("namespace")) ? ["clientNamespaces"] : []),
    ];
    return { multi: true, apps, fleet: { name, args, secretInputs } };
}

/**
 * The GatewayWaf of the Envoy Gateway layout, when `gateway` or `gatewayRoutes` is set: its
 * namespace defaults to the top-level one, and its own agent fleet takes the stack's agent keys.
 */
function gatewayPlan(values: Values, credentials: Credentials): ComponentPlan<GatewayWafArgs> | undefined {
    const top = values.top;
    if (top.gateway === undefined && top.gatewayRoutes === undefined) {
        for (const key of GATEWAY_ONLY) if (top[key] !== undefined) throw new Problem({ key }, "is set, but neither gateway nor gatewayRoutes is (it belongs to the Envoy Gateway layout)");
        return undefined;
    }
    const atTop = (key: string): At => ({ key });
    const read = new Reader(top, atTop);
    for (const key of ["gatewayWafName"]) {
        if (top[key] !== undefined && values.secret.has(key))
            throw new Problem(
                { key },
                "is set as a secret, but it names Pulumi resources, which show in every URN and log line: set it as a plain value",
                undefined,
                `pulumi config rm ${key} && pulumi config set ${key} <the value of ${key}>`,
            );
    }
    const name = read.string("gatewayWafName") ?? keyOf("gatewayWafName")!.default!;
    const agent = { image: read.string("agentImage"), grpcPort: read.number("agentGrpcPort"), metrics: read.boolean("agentMetrics") };
    const args: GatewayWafArgs = dropUndefined({
        namespace: read.string("gatewayNamespace") ?? read.string("namespace"),
        gateway: read.string("gateway"),
        routes: read.objects("gatewayRoutes") as GatewayRoute[] | undefined,
        inspection: {
            failOpen: read.boolean("gatewayFailOpen"),
            timeout: read.string("gatewayTimeout"),
            body: read.oneOf("gatewayBody", GATEWAY_BODY_VALUES),
            maxRequestBytes: read.number("gatewayMaxRequestBytes"),
        },
        credentials,
        agents: { ...agentServiceSettings(read, top, atTop, agent), ipFamily: read.oneOf("ipFamily", IP_FAMILY_VALUES) },
        agentNamespace: read.string("agentNamespace"),
        proxies: { namespace: read.string("gatewayProxyNamespace") },
    });
    const secretInputs = [
        ...CONFIG_KEYS.filter((k) => !k.secret && k.input.gateway !== undefined && top[k.key] !== undefined && values.secret.has(k.key)).map((k) => k.input.gateway!),
        ...(top.gatewayNamespace === undefined && values.secret.has("namespace") ? ["namespace"] : []),
    ];
    return { name, args, secretInputs };
}

/**
 * Leaves out what the stack does not set, so the components' defaults apply: undefined fields,
 * and objects left empty by leaving them out (an object the stack gives empty stays).
 */
function dropUndefined<T>(v: T): T {
    if (pulumi.Output.isInstance(v) || Array.isArray(v) || typeof v !== "object" || v === null) return v;
    const out: any = {};
    for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        const cleaned = dropUndefined(x);
        const emptied = isPlain(x) && Object.keys(x).length > 0 && Object.keys(cleaned as object).length === 0;
        if (!emptied) out[k] = cleaned;
    }
    return out;
}

function isPlain(v: unknown): v is object {
    return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
}
