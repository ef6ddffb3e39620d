; Inno Setup script for Leadership Reader: a per-user install that needs NO admin rights.
;
; Build on Windows from the project root, after `python packaging\build.py`:
;     iscc packaging\windows\installer.iss
;     iscc /DAppVersion=0.2.0 packaging\windows\installer.iss     (another version)
; Output: dist\LeadershipReader-<version>-setup.exe
;
; Why per-user: clinicians on locked-down hospital PCs have no admin rights, and IT should not
; need a change request to roll out a reader. Everything goes under the user's own profile and
; HKCU; nothing is downloaded, during install or afterwards.

#ifndef AppVersion
  ; Keep in step with pyproject.toml [project] version (or pass /DAppVersion=...).
  #define AppVersion "0.1.0"
#endif
#define AppName "Leadership Reader"
#define AppExe "LeadershipReader.exe"
#define ProgId "LeadershipReader.Document"
; The one-folder PyInstaller build (see packaging/leadership-reader.spec), relative to this file.
#define DistDir "..\..\dist\LeadershipReader"
; The app's per-user data folder (platformdirs user_data_dir, see reader/paths.py).
#define DataDir "{localappdata}\leadership-reader"

[Setup]
; A fixed AppId: upgrades replace the earlier install instead of adding a second one.
AppId={{6B0F4C2E-8E51-4C52-9F1D-3C6E2A7B9D41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Leadership Reader developers
; No admin rights: the installer never asks for elevation, and users cannot opt into it.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
OutputDir=..\..\dist
OutputBaseFilename=LeadershipReader-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The PyInstaller build is 64-bit; a 32-bit install mode would only mislabel it.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Tells Explorer to re-read the "Open with" entries after install and uninstall.
ChangesAssociations=yes
; A running copy holds its DLLs open; ask to close it rather than fail half-way.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "openwith"; Description: "Offer {#AppName} under ""Open with"" for PDF and PowerPoint (.pptx) files (your default programs are not changed)"; GroupDescription: "File types:"

[InstallDelete]
; An upgrade must not leave modules of the previous build beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; Optional pre-fill of the documents drop folder (see README.md): IT puts the GMC files it is
; allowed to distribute into packaging\windows\documents\ before running iscc. The app reads the
; folder at every start and copies what it finds into its library. The user's own copies are
; never overwritten, and uninstalling leaves them (they are the user's data).
Source: "documents\*"; DestDir: "{#DataDir}\documents"; Flags: skipifsourcedoesntexist onlyifdoesntexist uninsneveruninstall recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; "Open with" only. HKA is HKCU in a per-user install. The default value of .pdf and .pptx is
; never written, so the hospital's PDF viewer and PowerPoint stay the defaults.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Document ({#AppName})"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithProgids"; ValueType: none; ValueName: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.pptx\OpenWithProgids"; ValueType: none; ValueName: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: openwith
; The Applications key names the program in the "Open with" list and limits it to these types.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pptx"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: openwith

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Settings, the library and the search index live in the user's profile, not in {app}, and are
; kept on uninstall so a reinstall or upgrade finds them (README.md says where, to remove them).
