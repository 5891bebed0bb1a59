import { TeamSettingsForm } from '@/components/settings/team-settings-form';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Team settings' };

export default async function TeamSettingsPage() {
  const team = (await (await consoleApi()).team.get())!;
  return (
    <>
      <PageHeader title="Team settings" description="Your team's identity and the rules devices follow to join the inventory." />
      <Card className="max-w-3xl">
        <CardHeader title="General" />
        <TeamSettingsForm
          initial={{
            name: team.name,
            slug: team.slug,
            requireApprovalSelfEnrolled: team.requireApprovalSelfEnrolled,
            requireApprovalMdm: team.requireApprovalMdm,
            idpSelfEnrollment: team.idpSelfEnrollment,
            deprovisionAction: team.deprovisionAction,
          }}
        />
      </Card>
    </>
  );
}
