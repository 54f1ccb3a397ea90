// Whose address the agent judges: the agent takes the client's address from one request header
// (its client-ip-header, X-Forwarded-For unless set). That is only the client's own when Envoy
// writes the header itself, from the address it trusts (use_remote_address, and as many
// X-Forwarded-For entries as there are trusted proxies), before the agent is asked, over
// anything the client sent. Otherwise a client picks the address IP rules, rate limits and
// reports see. Requests are still inspected, so this is a warning, never a gap.
import { AgentListener } from "../agent";
import { EnvoyScope, TrafficContext } from "../context";
import { InspectionUse, listenerText } from "./routes";
import { AGENT_DEFAULT_CLIENT_IP_HEADER, AGENT_OPTIONS, agentVariable, CLIENT_IP_HEADER } from "../../vocabulary/agent";
import { TRUSTED_CLIENT_ADDRESS } from "../../vocabulary/envoy";

const FIX = `have a header_mutation filter before it set the header the agent reads (${agentVariable(AGENT_OPTIONS.clientIpHeader)}, e.g. ${CLIENT_IP_HEADER}) to ${TRUSTED_CLIENT_ADDRESS} with append_action OVERWRITE_IF_EXISTS_OR_ADD, and set use_remote_address: true (with xff_num_trusted_hops for the proxies in front)`;

/** Checks that each agent `u` asks reads a client address Envoy wrote from the address it trusts. */
export function checkClientAddress(ctx: TrafficContext, scope: EnvoyScope, u: InspectionUse, agents: { workload: { ref: string }; listener: AgentListener }[]): void {
    const where = `${u.integration} on ${listenerText(u.listener)}`;
    const warn = (agent: string, why: string, fix = FIX) =>
        ctx.add("client-address-unproven", scope.at, `${where} asks the agent of ${agent}, ${why}: a client can choose the address the WAF's IP rules, rate limits and reports see; ${fix}`, "warning");
    for (const { workload, listener: a } of agents) {
        const agent = `${workload.ref} (container ${a.container.name})`;
        const header = a.clientIpHeader;
        if (typeof header !== "string") {
            ctx.add(
                "client-address-unproven",
                scope.at,
                `${where} asks the agent of ${agent}, whose ${header.unknown}: whether a client can choose the address the WAF sees cannot be verified`,
                "warning",
            );
            continue;
        }
        if (header === AGENT_DEFAULT_CLIENT_IP_HEADER.toLowerCase()) {
            warn(agent, `which takes the client's address from X-Forwarded-For (its default ${AGENT_OPTIONS.clientIpHeader}), whose entries a client writes`);
            continue;
        }
        const { useRemoteAddress, detection } = u.clientAddress;
        // The connection's own peer: no header of a client's changes it, whatever Envoy trusts.
        if (u.peerHeaders.includes(header)) continue;
        if (!u.clientHeaders.includes(header)) warn(agent, `which takes the client's address from ${header}, a header nothing before ${u.filterName} is shown to write from the address Envoy trusts`);
        else if (u.clientAddress.proxyProtocol)
            warn(
                agent,
                `which takes the client's address from ${header}, written from the address the PROXY protocol header gives, which any client that reaches the listener sends`,
                "admit only the load balancer that sends the PROXY protocol to the listener (a NetworkPolicy on Envoy's port), so that no client sends its own header",
            );
        else if (detection) warn(agent, `which takes the client's address from ${header}, written from the address original_ip_detection_extensions choose, which the model does not follow`);
        else if (!useRemoteAddress)
            warn(
                agent,
                `which takes the client's address from ${header}, written from the address Envoy trusts, but without use_remote_address Envoy trusts the last X-Forwarded-For entry, which a client writes`,
            );
    }
}
