// The console's navigation. Only built features are listed: no dead links.
export interface NavItem {
  href: string;
  label: string;
  icon: 'home' | 'users' | 'settings' | 'audit' | 'devices' | 'key' | 'groups' | 'cert' | 'plug';
}
export interface NavSection {
  title?: string;
  items: NavItem[];
}

export const navSections: NavSection[] = [
  { items: [{ href: '/', label: 'Overview', icon: 'home' }] },
  {
    title: 'Inventory',
    items: [
      { href: '/devices', label: 'Devices', icon: 'devices' },
      { href: '/certificates', label: 'Certificates', icon: 'cert' },
    ],
  },
  {
    title: 'Integrations',
    items: [
      { href: '/integrations', label: 'Device management', icon: 'plug' },
      { href: '/integrations/identity', label: 'Identity provider', icon: 'key' },
    ],
  },
  {
    title: 'Directory',
    items: [
      { href: '/users', label: 'Users', icon: 'users' },
      { href: '/groups', label: 'Groups', icon: 'groups' },
    ],
  },
  {
    title: 'Settings',
    items: [
      { href: '/settings/team', label: 'Team', icon: 'settings' },
      { href: '/settings/api-tokens', label: 'API tokens', icon: 'key' },
      { href: '/settings/api-reference', label: 'API reference', icon: 'plug' },
    ],
  },
  { title: 'Security', items: [{ href: '/audit', label: 'Audit log', icon: 'audit' }] },
  // Outside the console: the self-service page every signed-in person has.
  { title: 'You', items: [{ href: '/my/devices', label: 'My devices', icon: 'devices' }] },
];
