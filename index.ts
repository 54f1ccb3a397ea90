// Entry point for Pulumi's multi-language component host (`pulumi package add`): the
// analyzer reads the component classes exported here. TypeScript users import the package.
export * from "./sdk";
