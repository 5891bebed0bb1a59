CREATE TABLE "ak_activation_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ek_uri" text NOT NULL,
	"ek_acceptance" text NOT NULL,
	"ak_name" text NOT NULL,
	"ak_public" text NOT NULL,
	"secret_sha256" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"ak_cert_serial" text,
	"ak_cert_pem" text
);
--> statement-breakpoint
CREATE TABLE "attestation_authorities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"root_cert_pem" text NOT NULL,
	"root_key_enc" text NOT NULL,
	"intermediate_cert_pem" text NOT NULL,
	"intermediate_key_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attestation_authorities_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "attestation_settings" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"tpm_ek_without_certificate" text DEFAULT 'registered-only' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attestation_settings_singleton_true" CHECK ("attestation_settings"."singleton")
);
--> statement-breakpoint
CREATE TABLE "tpm_ek_roots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"cert_pem" text NOT NULL,
	"sha256" text NOT NULL,
	"subject" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"added_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ak_activation_sessions_expires_idx" ON "ak_activation_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "ak_activation_sessions_ek_uri_idx" ON "ak_activation_sessions" USING btree ("ek_uri","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tpm_ek_roots_sha256_idx" ON "tpm_ek_roots" USING btree ("sha256");