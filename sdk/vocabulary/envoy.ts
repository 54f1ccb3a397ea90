// The limits Envoy sets on the fields the inputs land in, per integration: its protos' validate
// rules, and where the protos say nothing, what Envoy's code does with the value. Inputs are
// refused beyond them, naming the input (tests/envoy-rules.test.ts holds the proto-stated ones to
// the protos). A value Envoy would refuse or misread never renders as clean.
import { Integration } from "../args";

/** A field an input lands in: the proto field, and the most Envoy takes there. */
export interface EnvoyLimit {
    /** `<message>.<field>` of Envoy's v3 API. */
    field: string;
    max: number;
    /** Where the limit comes from, for messages. */
    why: string;
}

/** `inspection.timeout`, in seconds: ext_authz's gRPC timeout, or ext_proc's timeout per message. */
export const INSPECTION_TIMEOUT_LIMITS: Record<Integration, EnvoyLimit> = {
    // ext_authz reads the gRPC timeout into 32-bit milliseconds (PROTOBUF_GET_MS_OR_DEFAULT into a
    // uint32_t, source/extensions/filters/http/ext_authz/config.cc): more would wrap around.
    ext_authz: { field: "envoy.config.core.v3.GrpcService.timeout", max: 4294967.295, why: "Envoy reads ext_authz's timeout as 32-bit milliseconds" },
    ext_proc: { field: "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor.message_timeout", max: 3600, why: "ext_proc's message_timeout is at most an hour" },
};
