// `npm run db:seed`: creates the demo accounts (development only).
import { disconnectDb } from "@/lib/db";
import { seedDemoAccounts } from "@/tooling/demo-accounts";

seedDemoAccounts()
  .then(async (created) => {
    console.log(created.length ? `Seeded: ${created.join(", ")}` : "Demo accounts already exist");
    await disconnectDb();
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
