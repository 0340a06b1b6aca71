import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { Notice } from "@/components/ui/notice";
import { getCurrentSession } from "@/lib/sessions/current";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; verified?: string; signedOut?: string; reset?: string; deleted?: string }>;
}) {
  if (await getCurrentSession()) redirect("/settings");
  const { next, verified, signedOut, reset, deleted } = await searchParams;
  return (
    <AuthCard
      title="Sign in to your account"
      subtitle="Manage API tokens, two-step verification and sessions."
      footer={
        <>
          New here?{" "}
          <Link href="/signup" className="font-semibold text-indigo-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <div className="space-y-5">
        {verified && <Notice tone="success">Your email address is verified. Sign in to continue.</Notice>}
        {signedOut && <Notice tone="info">You have been signed out.</Notice>}
        {deleted && <Notice tone="info">Your account was deleted.</Notice>}
        {reset && (
          <Notice tone="success">
            Your password was reset and every session was signed out. Sign in with your new password. Your API tokens still work: review
            them on the security page.
          </Notice>
        )}
        <LoginForm next={typeof next === "string" ? next : undefined} />
      </div>
    </AuthCard>
  );
}
