CREATE TABLE "mdm_seen" (
	"run_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	CONSTRAINT "mdm_seen_run_id_source_id_pk" PRIMARY KEY("run_id","source_id")
);
--> statement-breakpoint
ALTER TABLE "device_sources" DROP COLUMN "last_run_id";