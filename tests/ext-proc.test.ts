// ext_proc, Fastly's current way for Envoy to reach the agent, in both layouts; switching from
// ext_authz changes only the filter chain, the access log, the agent's environment and probes.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { load as parse } from "js-yaml";
import { EnvoyAppArgs } from "../sdk";
import { guideArgs } from "../tools/fixtures";
import { REPO } from "../tools/paths";
import { renderStack } from "../tools/render";
import { validateEnvoyConfig } from "./support/envoy-schema";
import { appRun, AppRun, envoyConfigOf, envoyText, frontFilters, frontManager } from "./support/objects";
import { validateKubernetesObject } from "./support/kube-schema";
import { scratchDir } from "./support/scratch";

const EXT_PROC = {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
    grpc_service: { envoy_grpc: { cluster_name: "sigsci-agent" } },
    failure_mode_allow: true,
    message_timeout: "0.2s",
    processing_mode: {
        request_header_mode: "SEND",
        response_header_mode: "SEND",
        request_body_mode: "BUFFERED",
        response_body_mode: "NONE",
        request_trailer_mode: "SKIP",
        response_trailer_mode: "SKIP",
    },
};

function agentEnv(r: AppRun, deployment = r.byKind("Deployment")): any[] {
    const pod = deployment.spec.template.spec;
    return pod.containers.find((c: any) => c.name === "sigsci-agent").env;
}

/**
 * Every object of a run with the parts an integration may change taken out: the HTTP filters
 * and access log of the front listener, the agent cluster's health check, the agent's
 * environment and readiness probe, and the agent Service's session affinity or headlessness.
 * What is left must not depend on the integration.
 */
function withoutIntegrationParts(r: AppRun): any[] {
    return r.objects.map((o) => {
        const copy = JSON.parse(JSON.stringify(o));
        if (copy.kind === "ConfigMap") {
            const config = envoyConfigOf(copy);
            const hcm = frontManager(config);
            delete hcm.http_filters;
            delete hcm.access_log;
            delete config.static_resources.clusters.find((c: any) => c.name === "sigsci-agent").health_checks;
            copy.data = { bootstrap: config };
        }
        if (copy.kind === "Deployment") {
            for (const c of copy.spec.template.spec.containers) {
                if (c.name !== "sigsci-agent") continue;
                delete c.env;
                delete c.readinessProbe;
            }
        }
        if (copy.kind === "Service") {
            delete copy.spec.sessionAffinity;
            delete copy.spec.clusterIP;
        }
        return copy;
    });
}

function both(args: EnvoyAppArgs): [AppRun, AppRun] {
    const authz = appRun(args);
    const proc = appRun({ ...args, inspection: { ...args.inspection, integration: "ext_proc" } });
    for (const r of [authz, proc]) {
        for (const o of r.objects) validateKubernetesObject(o);
        validateEnvoyConfig(r.envoyText);
    }
    return [authz, proc];
}

describe("ext_proc integration", () => {
    it("sidecar: buffer then ext_proc then the router, no access log, the agent in ext_proc mode", () => {
        const [authz, proc] = both(guideArgs());
        const filters = frontFilters(proc.envoyConfig);
        // The client-IP header is written first, so ext_proc sends the agent the address Envoy trusts.
        assert.deepStrictEqual(
            filters.map((f: any) => f.name),
            ["envoy.filters.http.header_mutation", "envoy.filters.http.buffer", "envoy.filters.http.ext_proc", "envoy.filters.http.router"],
        );
        assert.deepStrictEqual(filters[0], frontFilters(authz.envoyConfig)[0]);
        assert.deepStrictEqual(filters[1].typed_config, { "@type": "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer", max_request_bytes: 1048576 });
        assert.deepStrictEqual(filters[2].typed_config, EXT_PROC);
        assert.strictEqual(frontManager(proc.envoyConfig).access_log, undefined);
        const envOf = (r: AppRun) => agentEnv(r).slice(2);
        assert.deepStrictEqual(envOf(authz), [
            { name: "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA", value: "1" },
            { name: "SIGSCI_ENVOY_GRPC_ADDRESS", value: "127.0.0.1:9999" },
            { name: "SIGSCI_STARTUP_PROBE_LISTENER", value: "0.0.0.0:2024" },
            { name: "SIGSCI_CLIENT_IP_HEADER", value: "x-sigsci-client-ip" },
        ]);
        assert.deepStrictEqual(envOf(proc), [
            { name: "SIGSCI_ENVOY_EXTPROC_ENABLED", value: "true" },
            { name: "SIGSCI_ENVOY_GRPC_ADDRESS", value: "127.0.0.1:9999" },
            { name: "SIGSCI_STARTUP_PROBE_LISTENER", value: "0.0.0.0:2024" },
            { name: "SIGSCI_CLIENT_IP_HEADER", value: "x-sigsci-client-ip" },
        ]);
        // Envoy checks the agent with gRPC health (ext_proc mode serves it) or a TCP connect.
        const healthCheck = (r: AppRun) => (parse(r.envoyText) as any).static_resources.clusters.find((c: any) => c.name === "sigsci-agent").health_checks;
        const timing = { timeout: "1s", interval: "5s", no_traffic_interval: "5s", unhealthy_threshold: 2, healthy_threshold: 1 };
        assert.deepStrictEqual(healthCheck(proc), [{ ...timing, grpc_health_check: {} }]);
        assert.deepStrictEqual(healthCheck(authz), [{ ...timing, tcp_health_check: {} }]);
        assert.deepStrictEqual(withoutIntegrationParts(proc), withoutIntegrationParts(authz));
    });

    it("agent Service: a gRPC readiness probe, a headless Service instead of session affinity, nothing else changes", () => {
        const [authz, proc] = both(guideArgs({ agentService: { create: {} } }));
        const agents = (r: AppRun) => r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "helloworld-agent");
        const service = (r: AppRun) => r.objects.find((o) => o.kind === "Service" && o.metadata.name === "helloworld-agent");
        const probe = (r: AppRun) => agents(r).spec.template.spec.containers[0].readinessProbe;
        assert.deepStrictEqual(probe(proc), { grpc: { port: 9999 }, periodSeconds: 5, failureThreshold: 3 });
        assert.deepStrictEqual(probe(authz), { tcpSocket: { port: "grpc" }, periodSeconds: 5, failureThreshold: 3 });
        assert.strictEqual(service(authz).spec.sessionAffinity, "ClientIP");
        assert.strictEqual(service(authz).spec.clusterIP, undefined);
        assert.strictEqual(service(proc).spec.sessionAffinity, undefined);
        assert.strictEqual(service(proc).spec.clusterIP, "None", "every ready agent pod is one DNS answer: Envoy balances over all of them");
        assert.ok(agentEnv(proc, agents(proc)).some((e: any) => e.name === "SIGSCI_ENVOY_EXTPROC_ENABLED" && e.value === "true"));
        assert.ok(!agentEnv(proc, agents(proc)).some((e: any) => e.name === "SIGSCI_ENVOY_EXPECT_RESPONSE_DATA"));
        assert.deepStrictEqual(frontFilters(proc.envoyConfig)[2].typed_config, EXT_PROC);
        assert.deepStrictEqual(withoutIntegrationParts(proc), withoutIntegrationParts(authz));
    });

    it("takes the message timeout, fail mode and body limit from the inputs", () => {
        const r = appRun(guideArgs({ inspection: { integration: "ext_proc", timeout: "0.5s", failOpen: false, maxRequestBytes: 65536 } }));
        const [, buffer, extProc] = frontFilters(r.envoyConfig);
        assert.strictEqual(buffer.typed_config.max_request_bytes, 65536);
        assert.strictEqual(extProc.typed_config.message_timeout, "0.5s");
        assert.strictEqual(extProc.typed_config.failure_mode_allow, false);
        validateEnvoyConfig(r.envoyText);
    });

    it("keeps a TCP readiness probe when the agent Service speaks TLS (the kubelet's gRPC probe cannot)", () => {
        const r = appRun(guideArgs({ namespace: "default", inspection: { integration: "ext_proc" }, agentService: { create: { tls: { secretName: "t" } }, tlsCaSecretName: "ca" } }));
        const agents = r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "helloworld-agent");
        assert.deepStrictEqual(agents.spec.template.spec.containers[0].readinessProbe.tcpSocket, { port: "grpc" });
    });

    it("renders a stack that selects ext_proc", async () => {
        const dir = scratchDir("extproc");
        fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.symlinkSync(path.join(REPO, "bin"), path.join(dir, "bin"));
        const dev = (parse(fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8")) as any).config;
        delete dev["sigsci-envoy:expectResponseData"];
        fs.writeFileSync(
            path.join(dir, "Pulumi.extproc.yaml"),
            JSON.stringify({ config: { ...dev, "sigsci-envoy:integration": "ext_proc", "sigsci-envoy:agentLayout": "service", "sigsci-envoy:agentMaxReplicas": 4 } }),
        );
        const r = await renderStack("extproc", dir);
        for (const o of r.objects) validateKubernetesObject(o);
        const configMap = r.objects.find((o) => o.kind === "ConfigMap");
        validateEnvoyConfig(envoyText(configMap));
        assert.deepStrictEqual(
            frontFilters(envoyConfigOf(configMap)).map((f: any) => f.name),
            ["envoy.filters.http.header_mutation", "envoy.filters.http.buffer", "envoy.filters.http.ext_proc", "envoy.filters.http.router"],
        );
        const agents = r.objects.find((o) => o.kind === "Deployment" && o.metadata.name === "helloworld-agent");
        assert.deepStrictEqual(agents.spec.template.spec.containers[0].readinessProbe.grpc, { port: 9999 });
    });
});
