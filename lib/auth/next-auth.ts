import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { getEnv } from "@/lib/env";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import { signInSchema } from "@/lib/validation/auth";

declare module "next-auth" {
  interface Session {
    sid?: string;
  }
  interface User {
    sessionId?: string;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sid?: string;
  }
}

/** Carries why a sign-in was refused from `authorize` back to the server action. */
export class SignInRefused extends CredentialsSignin {
  constructor(
    readonly reason: "INVALID_CREDENTIALS" | "RATE_LIMITED",
    readonly retryAfterSeconds = 0,
  ) {
    super(reason);
    this.code = "credentials";
  }
}

// The config is built per request so importing this module (e.g. in `next build`) reads no secrets.
export const { auth, signIn, signOut } = NextAuth(() => {
  const env = getEnv();
  const maxAge = env.SESSION_MAX_AGE_HOURS * 3600;
  return {
    secret: env.AUTH_SECRET,
    trustHost: true,
    useSecureCookies: env.secureCookies,
    session: { strategy: "jwt", maxAge },
    pages: { signIn: "/login" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) throw new SignInRefused("INVALID_CREDENTIALS");
          const result = await signInWithPassword(parsed.data, requestMetaFrom(request.headers));
          if (!result.ok) throw new SignInRefused(result.code, "retryAfterSeconds" in result ? result.retryAfterSeconds : 0);
          return { id: result.user.id, sessionId: result.sessionId };
        },
      }),
    ],
    callbacks: {
      // The cookie carries only the session id; everything else is read from Postgres.
      jwt: ({ token, user }) => (user?.sessionId ? { sid: user.sessionId } : { sid: token.sid }),
      session: ({ session, token }) => ({ expires: session.expires, sid: token.sid }),
    },
    logger: {
      error: (error) => {
        if (error instanceof SignInRefused) return;
        log("error", "auth.error", { error: errorName(error) });
      },
      warn: () => {},
      debug: () => {},
    },
  };
});
