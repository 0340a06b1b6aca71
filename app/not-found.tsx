import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md px-4 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">The page you asked for doesn&apos;t exist or isn&apos;t available to you.</p>
      <Link href="/" className="mt-6 inline-block text-sm font-semibold text-indigo-700 hover:underline">
        Go home
      </Link>
    </div>
  );
}
