export { TerminalTabs, type TerminalTabsProps } from './TerminalTabs';
export { TerminalView, type TerminalViewProps } from './TerminalView';
export { TerminalConnection, socketUrl, type ConnectionState, type KeyboardState, type KeyboardAction } from './terminal-connection';
export { KeyboardBar, inputBlocked, type KeyboardBarProps } from './KeyboardBar';
export { MemberPicker, type MemberPickerProps } from './MemberPicker';
