// Runs a compiled Pulumi program as a Node.js Automation API inline program, so no
// pulumi-language-nodejs binary is needed: this process serves the language runtime.
//
//   node inline.js <up|preview|refresh|destroy> <work dir with Pulumi.yaml> <compiled program.js>
//
// Provider config comes from E2E_AUTH0_DOMAIN, E2E_AUTH0_CLIENT_ID and E2E_AUTH0_CLIENT_SECRET
// (never from argv). Engine output goes to stderr; the last stdout line is a JSON result, with
// secret outputs left out.
"use strict";
const { LocalWorkspace } = require("@pulumi/pulumi/automation");

async function main() {
    const [action, workDir, programPath] = process.argv.slice(2);
    const stack = await LocalWorkspace.createOrSelectStack(
        // Inline program args (no workDir here, which would make it a local program); the work
        // dir's Pulumi.yaml, passed as an option, points the engine at the plugin build.
        { stackName: "dev", projectName: "ai-service-auth-ts", program: async () => ({ ...require(programPath) }) },
        { workDir },
    );
    await stack.setConfig("auth0:domain", { value: process.env.E2E_AUTH0_DOMAIN });
    await stack.setConfig("auth0:clientId", { value: process.env.E2E_AUTH0_CLIENT_ID });
    await stack.setConfig("auth0:clientSecret", { value: process.env.E2E_AUTH0_CLIENT_SECRET, secret: true });
    const onOutput = (text) => process.stderr.write(text);
    let result;
    switch (action) {
        case "up": {
            const up = await stack.up({ onOutput });
            const outputs = {};
            for (const [name, output] of Object.entries(up.outputs)) {
                outputs[name] = output.secret ? { secret: true } : { value: output.value, secret: false };
            }
            result = { changes: up.summary.resourceChanges, outputs };
            break;
        }
        case "preview": {
            const preview = await stack.preview({ onOutput, expectNoChanges: true });
            result = { changes: preview.changeSummary };
            break;
        }
        case "refresh":
            result = { changes: (await stack.refresh({ onOutput })).summary.resourceChanges };
            break;
        case "destroy":
            result = { changes: (await stack.destroy({ onOutput })).summary.resourceChanges };
            break;
        default:
            throw new Error(`unknown action ${JSON.stringify(action)}; use up, preview, refresh or destroy`);
    }
    process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
});
