// File names of the generated profiles, shared by the download routes and the GitOps snippet.
// Fleet names a Windows profile after its file, so the CA name keeps them unique per team.

export interface ProfileFileNames {
  mobileconfig: string;
  windowsScep: string;
  windowsRoot: string;
  linuxPostInstall: string;
}

export function profileFileNames(caName: string): ProfileFileNames {
  return {
    mobileconfig: `tessera-${caName}.mobileconfig`,
    windowsScep: `tessera-${caName}-scep.xml`,
    windowsRoot: `tessera-${caName}-root-ca.xml`,
    linuxPostInstall: `tessera-${caName}-agent-setup.sh`,
  };
}
