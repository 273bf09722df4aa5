export { TerminalTabs, type TerminalTabsProps } from './TerminalTabs';
export { TerminalView, type TerminalViewProps } from './TerminalView';
export { TerminalConnection, socketUrl, type ConnectionState } from './terminal-connection';
