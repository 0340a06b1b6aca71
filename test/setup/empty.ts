// Stands in for `server-only` under Vitest: tests import server modules directly.
export {};
