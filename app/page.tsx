import { redirect } from "next/navigation";
import { getCurrentSession } from "@/lib/sessions/current";

export default async function Home() {
  redirect((await getCurrentSession()) ? "/settings" : "/login");
}
