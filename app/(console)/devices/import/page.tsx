import Link from 'next/link';
import { CsvImport } from '@/components/devices/csv-import';
import { Card, PageHeader } from '@/components/ui/card';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Import devices' };

export default async function ImportDevicesPage() {
  await consoleApi(); // signed-in admins only
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/devices" className="text-brand-600 hover:text-brand-700">Devices</Link>
        <span className="text-slate-400"> / </span>
        <span className="text-slate-600">Import</span>
      </nav>
      <PageHeader title="Import devices from CSV" description="Preview the file, fix any rows with errors, then import. Imported devices are approved." />
      <Card>
        <CsvImport />
      </Card>
    </>
  );
}
