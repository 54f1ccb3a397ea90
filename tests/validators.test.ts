// The test support's judges must be able to fail: each is shown a defect it has to catch.
import * as assert from "assert";
import { validateKubernetesObject } from "./support/kube-schema";
import { envoyConfigProblems } from "./support/envoy-schema";
import * as fs from "fs";
import { ENVOY_PROTOS_FILE, envoyProtosStamp, grpcJsXdsVersion } from "../tools/schemas/envoy";
import { KUBERNETES_SCHEMA_FILE, KUBERNETES_VALIDATORS_FILE, kubernetesModelsVersion, schemaHash, stampOf, validatorsStamp } from "../tools/schemas/kubernetes";

const service = () => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
});

const bootstrap = () => ({
    static_resources: {
        clusters: [
            {
                name: "agent",
                type: "STATIC",
                connect_timeout: "0.25s",
                load_assignment: { cluster_name: "agent", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9999 } } } }] }] },
            },
        ],
    },
});

describe("the Kubernetes schema check", () => {
    it("uses a schema generated from the installed kubernetes-models (else run npm run schemas)", () => {
        const schema = JSON.parse(fs.readFileSync(KUBERNETES_SCHEMA_FILE, "utf8"));
        assert.strictEqual(stampOf(schema), kubernetesModelsVersion());
        assert.deepStrictEqual(Object.keys(schema.definitions.KubeKinds.properties).sort(), [
            "apps/v1/Deployment",
            "autoscaling/v2/HorizontalPodAutoscaler",
            "networking.k8s.io/v1/NetworkPolicy",
            "policy/v1/PodDisruptionBudget",
            "v1/ConfigMap",
            "v1/Secret",
            "v1/Service",
        ]);
    });

    it("validates with code compiled from that very schema (else run npm run schemas -- --validators)", () => {
        assert.strictEqual(validatorsStamp(fs.readFileSync(KUBERNETES_VALIDATORS_FILE, "utf8")), schemaHash(fs.readFileSync(KUBERNETES_SCHEMA_FILE, "utf8")));
    });

    it("accepts a valid object", () => validateKubernetesObject(service()));

    it("refuses an unknown field", () => {
        const s: any = service();
        s.spec.portz = [];
        assert.throws(() => validateKubernetesObject(s), /must NOT have additional properties.*portz/s);
    });

    it("refuses a wrong type and a missing required field", () => {
        const s: any = service();
        s.spec.ports[0].port = "eighty";
        assert.throws(() => validateKubernetesObject(s), /ports\/0\/port must be number/);
        const d: any = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { template: {} } };
        assert.throws(() => validateKubernetesObject(d), /must have required property 'selector'/);
    });

    it("refuses a malformed quantity", () => {
        const pod: any = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "x" },
            spec: { selector: {}, template: { spec: { containers: [{ name: "c", resources: { limits: { memory: "lots" } } }] } } },
        };
        assert.throws(() => validateKubernetesObject(pod), /kubernetes-models validation/);
    });
});

describe("the Envoy proto check", () => {
    it("uses a descriptor of the protos the installed @grpc/grpc-js-xds ships (else run npm run schemas)", () => {
        assert.strictEqual(envoyProtosStamp(JSON.parse(fs.readFileSync(ENVOY_PROTOS_FILE, "utf8"))), grpcJsXdsVersion());
    });

    it("accepts a valid bootstrap", () => assert.deepStrictEqual(envoyConfigProblems(bootstrap()), []));

    it("refuses an unknown field, naming it", () => {
        const b: any = bootstrap();
        b.static_resources.clusters[0].conect_timeout = "1s";
        assert.deepStrictEqual(envoyConfigProblems(b), ["$.static_resources.clusters[0].conect_timeout: unknown field of envoy.config.cluster.v3.Cluster"]);
    });

    it("refuses a duration in Go form and a bad enum", () => {
        const b: any = bootstrap();
        b.static_resources.clusters[0].connect_timeout = "250ms";
        b.static_resources.clusters[0].type = "DNS";
        assert.strictEqual(envoyConfigProblems(b).length, 2);
    });

    it("refuses a deprecated field and a port out of range", () => {
        const b: any = bootstrap();
        b.static_resources.clusters[0].http2_protocol_options = {};
        b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = 70000;
        const problems = envoyConfigProblems(b);
        assert.ok(
            problems.some((p) => /http2_protocol_options: deprecated/.test(p)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some((p) => /port_value: must be at most 65535/.test(p)),
            problems.join("\n"),
        );
    });

    it("resolves the @type of an Any and checks the message inside", () => {
        const b: any = bootstrap();
        b.static_resources.clusters[0].typed_extension_protocol_options = {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                explicit_http_config: { http2_protocol_option: {} },
            },
        };
        assert.deepStrictEqual(
            envoyConfigProblems(b),
            [
                "$.static_resources.clusters[0].typed_extension_protocol_options.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.explicit_http_config: one of http_protocol_options, http2_protocol_options, http3_protocol_options is required",
                "$.static_resources.clusters[0].typed_extension_protocol_options.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.explicit_http_config.http2_protocol_option: unknown field of envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig",
            ].sort(),
        );
    });

    it("refuses an unknown @type and a required field left out", () => {
        const b: any = bootstrap();
        b.static_resources.clusters[0].typed_extension_protocol_options = { x: { "@type": "type.googleapis.com/envoy.Nope" } };
        delete b.static_resources.clusters[0].name;
        const problems = envoyConfigProblems(b);
        assert.ok(
            problems.some((p) => /unknown @type type.googleapis.com\/envoy.Nope/.test(p)),
            problems.join("\n"),
        );
    });
});
