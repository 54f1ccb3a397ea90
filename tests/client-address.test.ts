// Who the WAF thinks the client is, and which addresses the pods answer on: the client-IP header
// Envoy writes from the address it trusts (use_remote_address / xff_num_trusted_hops), the agent
// reading that header and not X-Forwarded-For, the IP families of listeners and Services, and no
// Service-link variables in the agent's environment.
import * as assert from "assert";
import { EnvoyAppArgs, verifyTraffic } from "../sdk";
import { CLIENT_IP_HEADER } from "../sdk/vocabulary/agent";
import { guideArgs } from "../tools/fixtures";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { validateKubernetesObject } from "./support/kube-schema";
import { appParts, appRun, frontFilters, frontManager, objectsOf, one } from "./support/objects";

const env = (container: any) => Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
const listener = (config: any, name: string) => config.static_resources.listeners.find((l: any) => l.name === name);
const manager = (config: any, name: string) => listener(config, name).filter_chains[0].filters[0].typed_config;

/** Every object schema-valid, the Envoy config as Envoy reads it, and nothing for the verifier to report. */
function clean(objects: any[]) {
    for (const o of objects) validateKubernetesObject(o);
    for (const o of objects.filter((x) => x.kind === "ConfigMap")) validateEnvoyConfig(Object.values(o.data)[0] as string);
    assert.deepStrictEqual(verifyTraffic(objects), []);
}

describe("the client's address", () => {
    it("is the connection's peer by default, written over the header the agent reads before the agent is asked", () => {
        const r = appRun(guideArgs());
        const front = frontManager(r.envoyConfig);
        // Envoy's edge setting: the trusted client is the peer; no hops trusted, so X-Forwarded-For entries a client sent count for nothing.
        assert.strictEqual(front.use_remote_address, true);
        assert.strictEqual(front.xff_num_trusted_hops, undefined);
        // First in the chain, so ext_authz's CheckRequest carries it; overwriting, so a forged copy is replaced.
        assert.deepStrictEqual(frontFilters(r.envoyConfig)[0], {
            name: "envoy.filters.http.header_mutation",
            typed_config: {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
                mutations: {
                    request_mutations: [{ append: { header: { key: CLIENT_IP_HEADER, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" } }],
                },
            },
        });
        // The agent's client-ip-header (default X-Forwarded-For) names the same header.
        assert.strictEqual(env(r.containers["sigsci-agent"]).SIGSCI_CLIENT_IP_HEADER, CLIENT_IP_HEADER);
        // The readiness listener serves the kubelet only: no client there.
        assert.strictEqual(manager(r.envoyConfig, "readiness").use_remote_address, undefined);
        clean(r.objects);
    });

    it("trusts as many X-Forwarded-For entries from the right as there are proxies in front", () => {
        for (const hops of [1, 2, 8]) {
            const r = appRun(guideArgs({ envoy: { xffTrustedHops: hops } }));
            assert.strictEqual(frontManager(r.envoyConfig).use_remote_address, true);
            assert.strictEqual(frontManager(r.envoyConfig).xff_num_trusted_hops, hops);
            validateEnvoyConfig(r.envoyText);
        }
        assert.strictEqual(frontManager(appRun(guideArgs({ envoy: { xffTrustedHops: 0 } })).envoyConfig).xff_num_trusted_hops, undefined);
    });

    it("is written the same way with ext_proc and by every app of a shared agent Service, whose agents read it", () => {
        const proc = appRun(guideArgs({ inspection: { integration: "ext_proc" } }));
        assert.deepStrictEqual(frontFilters(proc.envoyConfig)[0].name, "envoy.filters.http.header_mutation");
        const objects = objectsOf([
            { component: "AgentService", name: "agents", args: { namespace: "waf", credentials: { accessKeyId: "a", secretAccessKey: "b" }, clientNamespaces: ["shop"] } },
            { component: "EnvoyApp", name: "shop", args: { namespace: "shop", app: { image: "a:1" } }, linkTo: "agents" },
        ]);
        const agent = one(objects, "Deployment", "agents").spec.template.spec.containers[0];
        assert.strictEqual(env(agent).SIGSCI_CLIENT_IP_HEADER, CLIENT_IP_HEADER);
        assert.deepStrictEqual(frontFilters(appParts(objects, "shop").envoyConfig)[0].typed_config.mutations.request_mutations[0].append.header.key, CLIENT_IP_HEADER);
    });
});

describe("IP families", () => {
    const family = (ipFamily: EnvoyAppArgs["ipFamily"], more: Partial<EnvoyAppArgs> = {}) => appRun(guideArgs({ ipFamily, ...more }));

    it("IPv4 by default: listeners on 0.0.0.0 and a Service that asks for IPv4 alone", () => {
        const r = family(undefined);
        for (const name of ["front", "readiness"]) {
            assert.deepStrictEqual(listener(r.envoyConfig, name).address.socket_address.address, "0.0.0.0");
            assert.strictEqual(listener(r.envoyConfig, name).additional_addresses, undefined);
        }
        assert.deepStrictEqual([r.byKind("Service").spec.ipFamilies, r.byKind("Service").spec.ipFamilyPolicy], [["IPv4"], "SingleStack"]);
        assert.strictEqual(env(r.containers["sigsci-agent"]).SIGSCI_STARTUP_PROBE_LISTENER, "0.0.0.0:2024");
    });

    it("IPv6: listeners on ::, the agent's startup listener on [::], the Service IPv6 alone; loopback stays IPv4", () => {
        const r = family("IPv6");
        for (const name of ["front", "readiness"]) assert.deepStrictEqual(listener(r.envoyConfig, name).address.socket_address.address, "::");
        assert.deepStrictEqual([r.byKind("Service").spec.ipFamilies, r.byKind("Service").spec.ipFamilyPolicy], [["IPv6"], "SingleStack"]);
        const agent = env(r.containers["sigsci-agent"]);
        assert.strictEqual(agent.SIGSCI_STARTUP_PROBE_LISTENER, "[::]:2024");
        // Inside the pod nothing changes: the admin interface and the sidecar agent on 127.0.0.1, which every pod has.
        assert.strictEqual(agent.SIGSCI_ENVOY_GRPC_ADDRESS, "127.0.0.1:9999");
        assert.strictEqual(r.envoyConfig.admin.address.socket_address.address, "127.0.0.1");
        clean(r.objects);
    });

    it("DualStack: each listener on 0.0.0.0 and, as an additional address, ::; the Service prefers both families", () => {
        const r = family("DualStack");
        for (const name of ["front", "readiness"]) {
            const l = listener(r.envoyConfig, name);
            assert.deepStrictEqual(l.address.socket_address.address, "0.0.0.0");
            assert.deepStrictEqual(l.additional_addresses, [{ address: { socket_address: { address: "::", port_value: l.address.socket_address.port_value } } }]);
        }
        assert.deepStrictEqual([r.byKind("Service").spec.ipFamilies, r.byKind("Service").spec.ipFamilyPolicy], [undefined, "PreferDualStack"]);
        clean(r.objects);
    });

    it("an app's own agent Service follows the app's family; a separate one is set on its own", () => {
        const objects = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ ipFamily: "IPv6", agentService: { create: {} } }) }]);
        const agents = one(objects, "Deployment", "helloworld-agent").spec.template.spec.containers[0];
        assert.strictEqual(env(agents).SIGSCI_ENVOY_GRPC_ADDRESS, "[::]:9999");
        assert.strictEqual(env(agents).SIGSCI_STARTUP_PROBE_LISTENER, "[::]:2024");
        assert.deepStrictEqual(one(objects, "Service", "helloworld-agent").spec.ipFamilies, ["IPv6"]);
        clean(objects);
        const shared = objectsOf([{ component: "AgentService", name: "agents", args: { credentials: { accessKeyId: "a", secretAccessKey: "b" }, ipFamily: "DualStack" } }]);
        assert.strictEqual(env(one(shared, "Deployment", "agents").spec.template.spec.containers[0]).SIGSCI_ENVOY_GRPC_ADDRESS, "[::]:9999");
        assert.deepStrictEqual(one(shared, "Service", "agents").spec.ipFamilyPolicy, "PreferDualStack");
        for (const o of shared) validateKubernetesObject(o);
    });
});

describe("Service links", () => {
    it("are off in every pod, so no Service can put SIGSCI_* variables into the agent; an app that reads them turns them on", () => {
        const objects = objectsOf([{ component: "EnvoyApp", name: "helloworld", args: guideArgs({ agentService: { create: {} } }) }]);
        const pods = objects.filter((o) => o.kind === "Deployment").map((d) => d.spec.template.spec);
        assert.deepStrictEqual(
            pods.map((p) => p.enableServiceLinks),
            [false, false],
        );
        const on = appRun(guideArgs({ pod: { enableServiceLinks: true } }));
        assert.strictEqual(on.byKind("Deployment").spec.template.spec.enableServiceLinks, true);
    });
});
