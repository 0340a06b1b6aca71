-- Client addresses are Postgres inet, so nothing but a valid IPv4 or IPv6 address can be stored
-- as one. A value stored before that is no address (a forged X-Forwarded-For) becomes NULL: it
-- never said who the client was.
CREATE FUNCTION pg_temp.inet_or_null(value text) RETURNS inet LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN host(value::inet)::inet;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

ALTER TABLE "sessions" ALTER COLUMN "ip" TYPE inet USING pg_temp.inet_or_null("ip");
ALTER TABLE "sign_up_requests" ALTER COLUMN "ip" TYPE inet USING pg_temp.inet_or_null("ip");
ALTER TABLE "audit_events" ALTER COLUMN "ip" TYPE inet USING pg_temp.inet_or_null("ip");
ALTER TABLE "step_up_challenges" ALTER COLUMN "ip" TYPE inet USING pg_temp.inet_or_null("ip");
ALTER TABLE "api_tokens" ALTER COLUMN "last_used_ip" TYPE inet USING pg_temp.inet_or_null("last_used_ip");
