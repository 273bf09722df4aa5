/**
 * "Who are you?" for a game's team run: one of the team's members, asked once (then remembered for the tab,
 * member.ts). Until then the page only watches the team's terminals.
 */
export interface MemberPickerProps {
  members: string[];
  onPick: (member: string) => void;
  /** The server's reason when the last name was refused. */
  refused?: string | null;
}

export function MemberPicker({ members, onPick, refused }: MemberPickerProps) {
  return (
    <div className="fd-member-picker" data-testid="member-picker" role="group" aria-label="Who are you?">
      <span>Who are you? Pick your name to type in the team's terminals:</span>
      {members.map((member) => (
        <button key={member} type="button" data-testid={`member-pick-${member}`} onClick={() => onPick(member)}>
          {member}
        </button>
      ))}
      {refused && (
        <span className="fd-member-picker__refused" role="alert" data-testid="member-refused">
          {refused}
        </span>
      )}
    </div>
  );
}
