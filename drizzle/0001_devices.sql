CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "device_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"normalized" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"raw" jsonb,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"permanent_identifier" text,
	"serial" text,
	"hardware_uuid" text,
	"display_name" text,
	"display_id" text,
	"hostname" text,
	"os" text,
	"os_version" text,
	"model" text,
	"manufacturer" text,
	"ownership" text,
	"owner_email" text,
	"owner_user_id" uuid,
	"shared" boolean DEFAULT false NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"masked_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"source_kinds" text[] DEFAULT '{}'::text[] NOT NULL,
	"approval_status" text DEFAULT 'pending' NOT NULL,
	"approved_at" timestamp with time zone,
	"approved_by" text,
	"lifecycle_status" text DEFAULT 'active' NOT NULL,
	"assurance" text DEFAULT 'low' NOT NULL,
	"attested_at" timestamp with time zone,
	"attestation_format" text,
	"attestation_evidence" jsonb,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by_id" uuid,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "device_sources" ADD CONSTRAINT "device_sources_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "device_sources_source_external_idx" ON "device_sources" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "device_sources_device_idx" ON "device_sources" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_permanent_identifier_idx" ON "devices" USING btree ("permanent_identifier");--> statement-breakpoint
CREATE INDEX "devices_serial_idx" ON "devices" USING btree (upper("serial"));--> statement-breakpoint
CREATE INDEX "devices_hardware_uuid_idx" ON "devices" USING btree (upper("hardware_uuid"));--> statement-breakpoint
CREATE INDEX "devices_enrolled_idx" ON "devices" USING btree ("enrolled_at","id");--> statement-breakpoint
CREATE INDEX "devices_last_seen_idx" ON "devices" USING btree (coalesce("last_seen_at", '1970-01-01T00:00:00Z'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "devices_first_source_idx" ON "devices" USING btree (coalesce("source_kinds"[1], ''),"id");--> statement-breakpoint
CREATE INDEX "devices_approval_idx" ON "devices" USING btree ("approval_status","enrolled_at","id");--> statement-breakpoint
CREATE INDEX "devices_owner_email_idx" ON "devices" USING btree (lower("owner_email"));--> statement-breakpoint
CREATE INDEX "devices_owner_user_idx" ON "devices" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "devices_tags_idx" ON "devices" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "devices_source_kinds_idx" ON "devices" USING gin ("source_kinds");--> statement-breakpoint
CREATE INDEX "devices_search_idx" ON "devices" USING gin ((coalesce("display_name", '') || ' ' || coalesce("serial", '') || ' ' || coalesce("owner_email", '') || ' ' || coalesce("permanent_identifier", '') || ' ' || coalesce("hostname", '')) gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_idx" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_created_idx" ON "api_tokens" USING btree ("created_at");