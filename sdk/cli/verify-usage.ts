// `sigsci-envoy verify`'s usage text, apart from the command so that `help` loads nothing else.
export const VERIFY_USAGE = `usage: sigsci-envoy verify [options] <file|directory|->...

Follows every request through the Envoy pods, Services, NetworkPolicies and agents of the
manifests (multi-document YAML or JSON, List objects, directories of them; - for standard
input), and applies the sigsci-envoy policy pack's rules.

options:
  --json                  the report as JSON
  --namespace <ns>        the namespace of objects without one (default: default)
  --cluster-domain <dom>  the cluster's DNS domain (default: cluster.local)
  --unverifiable warning  report what cannot be verified as warnings (default: errors)
  --config <file>         the pack's configuration, JSON by rule name, as for
                          pulumi preview --policy-pack-config
  --envoy-gateway-namespace <ns>
                          where Envoy Gateway runs its proxies (default: envoy-gateway-system)
  --envoy-gateway-deployment ControllerNamespace|GatewayNamespace
                          its deployment mode: the proxies in its controller's namespace
                          (default), or in each Gateway's own

Exit status: 0 no mandatory rule is violated (advisory findings may be printed); 1 a mandatory
rule is: some request passes uninspected, cannot be verified, or the agent breaks Fastly's
guide; 2 usage, or input that is not Kubernetes manifests.`;
