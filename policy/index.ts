// The sigsci-envoy policy pack: `pulumi preview --policy-pack <this directory>`. Constructing
// the PolicyPack starts the analyzer server the Pulumi CLI talks to; the policies are in
// policies.ts.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, POLICIES } from "./policies";

new PolicyPack(PACK_NAME, {
    policies: POLICIES,
    displayName: "sigsci-envoy: WAF coverage",
    tags: ["waf", "kubernetes", "envoy", "fastly"],
});
