// `npm run bench`: the cost of the EnvoyApp component against the same Kubernetes objects
// registered directly, for 1, 10, 100 and 500 apps in one program, each size in a fresh
// process under Pulumi's mock runtime. Prints time and peak memory per app and the ratio.
import { execFileSync } from "child_process";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EnvoyApp, EnvoyAppArgs } from "../sdk";
import { envoyConfigYaml } from "../sdk/envoy/config";
import { appDeployment, appDisruptionBudget, appNetworkPolicy, envoyConfigMap, frontService } from "../sdk/kube/envoy-app";
import { evaluate } from "../sdk/render/evaluate";
import { resolveAppSettings } from "../sdk/settings/envoy-app";

const SIZES = [1, 10, 100, 500];

function args(i: number): EnvoyAppArgs {
    return {
        app: { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] },
        credentials: { accessKeyId: pulumi.secret(`key-${i}`), secretAccessKey: pulumi.secret(`secret-${i}`) },
    };
}

/** The same objects as an EnvoyApp, registered without the component. */
function raw(name: string, a: EnvoyAppArgs) {
    const s = resolveAppSettings(name, a as any);
    const secret = new k8s.core.v1.Secret(`${name}-sigsci-credentials`, {
        metadata: { namespace: s.namespace, labels: s.labels },
        immutable: true,
        type: "Opaque",
        stringData: { accesskeyid: a.credentials!.accessKeyId!, secretaccesskey: a.credentials!.secretAccessKey! },
    });
    const configMap = new k8s.core.v1.ConfigMap(`${name}-envoy-config`, envoyConfigMap(s, envoyConfigYaml(s)));
    new k8s.apps.v1.Deployment(name, pulumi.all([configMap.metadata.name, secret.metadata.name]).apply(([configMapName, secretName]) => appDeployment(s, { configMapName, secretName })));
    new k8s.core.v1.Service(name, frontService(s));
    new k8s.policy.v1.PodDisruptionBudget(name, appDisruptionBudget(s));
    new k8s.networking.v1.NetworkPolicy(name, appNetworkPolicy(s));
}

async function child(mode: string, n: number) {
    const before = process.resourceUsage().maxRSS;
    const start = process.hrtime.bigint();
    const { resources } = await evaluate(() => {
        for (let i = 0; i < n; i++) {
            if (mode === "component") new EnvoyApp(`app${i}`, args(i));
            else raw(`app${i}`, args(i));
        }
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const kb = process.resourceUsage().maxRSS - before;
    process.stdout.write(JSON.stringify({ ms, kb, objects: resources.filter((r) => r.custom).length }));
}

function measure(mode: string, n: number): { ms: number; kb: number; objects: number } {
    return JSON.parse(execFileSync(process.execPath, [__filename, "--child", mode, String(n)], { encoding: "utf8" }));
}

function main() {
    const rows = ["| apps | objects | component ms/app | raw ms/app | time ratio | component KiB/app | raw KiB/app | memory ratio |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
    for (const n of SIZES) {
        const c = measure("component", n);
        const r = measure("raw", n);
        rows.push(
            `| ${n} | ${r.objects} | ${(c.ms / n).toFixed(2)} | ${(r.ms / n).toFixed(2)} | ${(c.ms / r.ms).toFixed(2)} | ${(c.kb / n).toFixed(0)} | ${(r.kb / n).toFixed(0)} | ${(c.kb / Math.max(r.kb, 1)).toFixed(2)} |`,
        );
    }
    process.stdout.write(`${rows.join("\n")}\n`);
}

if (process.argv[2] === "--child") child(process.argv[3], Number(process.argv[4]));
else main();
