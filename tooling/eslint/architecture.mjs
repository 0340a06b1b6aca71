// Two rules the import patterns in eslint.config.mjs cannot express, because they depend on what
// a file says rather than where it lives.

/** Imports a browser bundle must never pull in: server-only code, tooling, tests, Node built-ins. */
const SERVER_SIDE = [/^@\/lib\//, /^@\/server\//, /^@\/tooling\//, /^@\/test\//, /^server-only$/, /^node:/];

const isDirective = (statement, value) => statement.type === "ExpressionStatement" && statement.directive === value;

/** A module that starts with "use client" is bundled for the browser, wherever it lives. */
const clientImports = {
  meta: {
    type: "problem",
    docs: { description: 'A "use client" module imports only client-safe code (shared/, components/, actions/, packages).' },
    schema: [],
    messages: {
      serverSide:
        '"use client" module imports {{source}}: server-only code, tooling and tests never reach the browser (move what it needs to shared/).',
    },
  },
  create(context) {
    let client = false;
    return {
      Program(program) {
        client = program.body.some((statement) => isDirective(statement, "use client"));
      },
      ImportDeclaration(node) {
        if (!client || node.importKind === "type") return;
        const source = node.source.value;
        if (SERVER_SIDE.some((pattern) => pattern.test(source))) context.report({ node, messageId: "serverSide", data: { source } });
      },
    };
  },
};

/** Every module of the domain layer says so first, so Next.js refuses to bundle it for a browser. */
const serverOnlyMarker = {
  meta: {
    type: "problem",
    docs: { description: 'Every lib/ module begins with import "server-only".' },
    schema: [],
    messages: { missing: 'lib/ is server-only: begin this module with import "server-only".' },
  },
  create(context) {
    return {
      Program(program) {
        const first = program.body.find((statement) => statement.type === "ImportDeclaration");
        if (first?.source.value !== "server-only" || first.specifiers.length)
          context.report({ node: first ?? program, messageId: "missing" });
      },
    };
  },
};

export const architecture = { rules: { "client-imports": clientImports, "server-only-marker": serverOnlyMarker } };
