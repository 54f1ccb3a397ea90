// A Pulumi plugin process (a component host, a policy pack) as the CLI talks to it: started,
// its gRPC port read from its first line of output, a client made for it.
import { spawn } from "child_process";
import { scratchDir } from "./scratch";

/**
 * Starts a Pulumi plugin process (a component host or a policy pack), which prints the port of
 * its gRPC server, runs `use` with a client of `service` at that port, then stops it.
 */
export async function withServer<T>(args: string[], cwd: string, service: any, use: (client: any, stderr: () => string) => Promise<T>): Promise<T> {
    // Its temporary files (ts-node's cache, for a component host) go where the run's scratch goes.
    const host = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: scratchDir("plugin-tmp") } });
    let stderr = "";
    host.stderr.on("data", (d) => (stderr += d));
    try {
        const port = await new Promise<string>((resolve, reject) => {
            host.stdout.once("data", (d) => resolve(String(d).trim()));
            host.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}): ${stderr}`)));
        });
        const client = new service(`127.0.0.1:${port}`, require("@grpc/grpc-js").credentials.createInsecure());
        try {
            return await use(client, () => stderr);
        } finally {
            client.close();
        }
    } finally {
        host.kill();
    }
}

/** A unary gRPC call as a promise. */
export const call = <T>(client: any, method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))));
