// Loaded before the tests (.mocharc.json `require`). Mocha raises Error.stackTraceLimit to
// Infinity; Pulumi's SDK captures a stack for every promise it tracks, so under mocha each
// registration formats whole stacks - more than a third of the suite's CPU. Node's own default
// is what `pulumi up` runs with, and what the tests run with too.
Error.stackTraceLimit = 10;
