// A manifest check after the kube-score and kube-linter checklists and the Pod Security
// Standards "restricted" profile (../shared/reference/validation.md), over a set of objects
// as one deployment emits them. Returns the problems; empty means clean.

export interface LintOptions {
    /** Images allowed to use the `latest` tag (Fastly's guide defaults track `latest` on purpose). */
    latestAllowed?: string[];
    /** Secrets the objects may refer to without emitting them (managed by the user). */
    externalSecrets?: string[];
}

type Problem = string;

function podsOf(objects: any[]): { owner: any; pod: any; labels: Record<string, string> }[] {
    return objects.filter((o) => o.kind === "Deployment").map((d) => ({ owner: d, pod: d.spec.template.spec, labels: d.spec.template.metadata.labels }));
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
    return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function lintManifests(objects: any[], options: LintOptions = {}): Problem[] {
    const problems: Problem[] = [];
    // An object without a namespace is in the provider's: named without one.
    const named = (o: any) => `${o.kind} ${o.metadata.namespace === undefined ? "" : `${o.metadata.namespace}/`}${o.metadata.name}`;
    const exists = (kind: string, ns: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);

    for (const { owner, pod, labels } of podsOf(objects)) {
        const at = named(owner);
        const ns = owner.metadata.namespace;
        // Pod Security Standards, restricted
        for (const field of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[field]) problems.push(`${at}: ${field} is set`);
        if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${at}: pod runAsNonRoot is not true`);
        if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") problems.push(`${at}: pod seccompProfile is not RuntimeDefault`);
        if (pod.automountServiceAccountToken !== false) problems.push(`${at}: mounts a service-account token`);
        for (const v of pod.volumes ?? []) {
            if (v.hostPath) problems.push(`${at}: hostPath volume ${v.name}`);
            if (v.configMap && !exists("ConfigMap", ns, v.configMap.name)) problems.push(`${at}: volume ${v.name} refers to a missing ConfigMap ${v.configMap.name}`);
            if (v.secret && !exists("Secret", ns, v.secret.secretName) && !(options.externalSecrets ?? []).includes(v.secret.secretName)) {
                problems.push(`${at}: volume ${v.name} refers to a missing Secret ${v.secret.secretName}`);
            }
        }
        const mountable = new Set((pod.volumes ?? []).map((v: any) => v.name));
        for (const c of pod.containers) {
            const cat = `${at} container ${c.name}`;
            const sc = c.securityContext ?? {};
            if (sc.privileged) problems.push(`${cat}: privileged`);
            if (sc.allowPrivilegeEscalation !== false) problems.push(`${cat}: allowPrivilegeEscalation is not false`);
            if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${cat}: does not drop ALL capabilities`);
            if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) problems.push(`${cat}: adds capabilities`);
            if (sc.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true) problems.push(`${cat}: may run as root`);
            // kube-score: container-security-context-user-group-id (above 10000) and read-only root
            if (!(sc.runAsUser > 10000) || !(sc.runAsGroup > 10000)) problems.push(`${cat}: runAsUser/runAsGroup not above 10000`);
            if (sc.readOnlyRootFilesystem !== true) problems.push(`${cat}: root filesystem is writable`);
            // kube-score: container-resources
            for (const kind of ["requests", "limits"]) for (const r of ["cpu", "memory"]) if (!c.resources?.[kind]?.[r]) problems.push(`${cat}: no ${r} ${kind.slice(0, -1)}`);
            // kube-score: container-image-tag and container-image-pull-policy
            const tag = /:([^/@]+)$/.exec(c.image.split("@")[0])?.[1];
            if ((tag === undefined || tag === "latest") && !c.image.includes("@") && !(options.latestAllowed ?? []).includes(c.image)) problems.push(`${cat}: image ${c.image} has no pinned tag`);
            if (!c.imagePullPolicy) problems.push(`${cat}: no imagePullPolicy`);
            for (const m of c.volumeMounts ?? []) if (!mountable.has(m.name)) problems.push(`${cat}: mounts unknown volume ${m.name}`);
            for (const e of c.env ?? []) {
                if (e.value !== undefined && /^SIGSCI_(ACCESSKEYID|SECRETACCESSKEY)$/.test(e.name)) problems.push(`${cat}: ${e.name} is a literal value`);
                const ref = e.valueFrom?.secretKeyRef;
                if (ref && !exists("Secret", ns, ref.name) && !(options.externalSecrets ?? []).includes(ref.name)) problems.push(`${cat}: env ${e.name} refers to a missing Secret ${ref.name}`);
            }
            // probes may only name ports the container has
            for (const probe of [c.readinessProbe, c.startupProbe, c.livenessProbe]) {
                const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
                if (typeof port === "string" && !(c.ports ?? []).some((p: any) => p.name === port)) problems.push(`${cat}: probe names unknown port ${port}`);
            }
        }
        // kube-score: pod-probes - a pod behind a Service needs a readiness probe
        const services = objects.filter((o) => o.kind === "Service" && o.metadata.namespace === ns && matches(o.spec.selector, labels));
        if (services.length > 0 && !pod.containers.some((c: any) => c.readinessProbe)) problems.push(`${at}: behind a Service without a readiness probe`);
        // kube-score: deployment-has-poddisruptionbudget, deployment-has-host-podantiaffinity
        const scaled = objects.some((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === owner.metadata.name);
        if (!objects.some((o) => o.kind === "PodDisruptionBudget" && o.metadata.namespace === ns && matches(o.spec.selector?.matchLabels, labels))) problems.push(`${at}: no PodDisruptionBudget`);
        if ((scaled || owner.spec.replicas > 1) && !(pod.topologySpreadConstraints ?? []).some((t: any) => t.topologyKey === "kubernetes.io/hostname"))
            problems.push(`${at}: replicas not spread over nodes`);
        if (scaled && owner.spec.replicas !== undefined) problems.push(`${at}: sets replicas while an autoscaler scales it`);
        // kube-score: pod-networkpolicy
        if (!objects.some((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === ns && matches(o.spec.podSelector?.matchLabels, labels))) problems.push(`${at}: no NetworkPolicy`);
        // selector agrees with the template
        if (!matches(owner.spec.selector.matchLabels, labels)) problems.push(`${at}: selector does not match its pod labels`);
    }
    for (const s of objects.filter((o) => o.kind === "Service")) {
        // kube-linter: dangling-service, and the target port exists on the pods
        const targets = podsOf(objects).filter((p) => p.owner.metadata.namespace === s.metadata.namespace && matches(s.spec.selector, p.labels));
        if (targets.length === 0) problems.push(`${named(s)}: selects no pods`);
        for (const port of s.spec.ports) {
            for (const t of targets) {
                const found = t.pod.containers.some((c: any) => (c.ports ?? []).some((p: any) => p.name === port.targetPort || p.containerPort === port.targetPort));
                if (!found) problems.push(`${named(s)}: target port ${port.targetPort} not on ${named(t.owner)}`);
            }
        }
    }
    for (const h of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
        if (!exists("Deployment", h.metadata.namespace, h.spec.scaleTargetRef.name)) problems.push(`${named(h)}: scales a missing Deployment`);
    }
    for (const p of objects.filter((o) => o.kind === "PodDisruptionBudget")) {
        if (!podsOf(objects).some((d) => d.owner.metadata.namespace === p.metadata.namespace && matches(p.spec.selector.matchLabels, d.labels))) problems.push(`${named(p)}: selects no pods`);
    }
    return problems;
}
