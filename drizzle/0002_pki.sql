CREATE TABLE "authorities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"root_cert_pem" text NOT NULL,
	"root_key_enc" text NOT NULL,
	"intermediate_cert_pem" text NOT NULL,
	"intermediate_key_enc" text NOT NULL,
	"ra_cert_pem" text NOT NULL,
	"ra_key_enc" text NOT NULL,
	"previous_ra_cert_pem" text,
	"previous_ra_key_enc" text,
	"crl_number" bigint DEFAULT 0 NOT NULL,
	"crl_pem" text,
	"crl_next_update" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "authorities_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"serial_hex" text NOT NULL,
	"authority_id" uuid NOT NULL,
	"device_id" uuid,
	"integration_id" uuid,
	"subject" text NOT NULL,
	"issued_via" text NOT NULL,
	"template" text,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"cert_pem" text NOT NULL,
	"public_key_sha256" text NOT NULL,
	"transaction_id" text,
	"renewal_of" text,
	"revoked_at" timestamp with time zone,
	"revocation_reason" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_enc" text,
	"challenge_username" text,
	"challenge_password_hash" text,
	"ca_name" text DEFAULT 'TESSERA_AGENT' NOT NULL,
	"cert_validity_days" integer DEFAULT 365 NOT NULL,
	"challenge_ttl_minutes" integer DEFAULT 60 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scep_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"challenge_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"transaction_id" text,
	"public_key_sha256" text,
	"certificate_serial" text
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_authority_id_authorities_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."authorities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scep_challenges" ADD CONSTRAINT "scep_challenges_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_serial_idx" ON "certificates" USING btree ("serial_hex");--> statement-breakpoint
CREATE INDEX "certificates_device_idx" ON "certificates" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "certificates_created_idx" ON "certificates" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "certificates_revoked_idx" ON "certificates" USING btree ("authority_id") WHERE "certificates"."revoked_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_name_idx" ON "integrations" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "scep_challenges_hash_idx" ON "scep_challenges" USING btree ("challenge_hash");--> statement-breakpoint
CREATE INDEX "scep_challenges_expires_idx" ON "scep_challenges" USING btree ("expires_at");