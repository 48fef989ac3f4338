; OAuth Desk's NSIS installer hooks (Tauri's `installerHooks`): the CLI goes beside the app and
; the install folder onto the user's PATH, as the .deb puts `oauth-desk` in /usr/bin.
; `File` paths are relative to the generated installer script, target\release\nsis\x64\: build
; the CLI first (`cargo build --release -p oauth-desk --bin oauth-desk`). docs/platforms.md.

!macro NSIS_HOOK_POSTINSTALL
  File "/oname=$INSTDIR\oauth-desk.exe" "..\..\oauth-desk.exe"
  ReadRegStr $0 HKCU "Environment" "Path"
  StrCmp $0 "" 0 +3
    WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
    Goto +2
  WriteRegExpandStr HKCU "Environment" "Path" "$0;$INSTDIR"
  ; Tell running programs (Explorer, new terminals) that the environment changed.
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  Delete "$INSTDIR\oauth-desk.exe"
  ; The PATH entry is left: NSIS has no safe way to cut one entry out of a long PATH, and a
  ; folder that no longer exists on PATH is harmless.
!macroend
