// Fastly's guide example as EnvoyApp args, and its sample agent keys: the starting point of the
// input-rule catalogue, the golden scenarios, the tests and the benchmark.
import { EnvoyAppArgs } from "../sdk";

/** The guide's sample keys (not real ones). */
export const ACCESS_KEY_ID = "12345678-abcd-1234-abcd-1234567890ab";
export const SECRET_ACCESS_KEY = "abcdefg_hijklmn_opqrstuvwxy_z0123456789ABCD";
export const GUIDE_KEYS: { readonly accessKeyId: string; readonly secretAccessKey: string } = Object.freeze({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY });

/** The guide's example: helloworld on localhost:8080 behind Envoy, the agent as a sidecar, response data expected. A fresh object each call: tests edit it. */
export function guideArgs(overrides: Partial<EnvoyAppArgs> = {}): EnvoyAppArgs {
    return {
        app: { image: "signalsciences/example-helloworld:latest", args: ["localhost:8080"] },
        credentials: { ...GUIDE_KEYS },
        ...overrides,
    };
}
