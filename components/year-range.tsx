/** The "From year" / "To year" pair of a filter form (Browse, For You); `errorId` ties them to the form's error. */
export function YearRange({ from, to, errorId }: { from?: number; to?: number; errorId?: string }) {
  const invalid = errorId ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};
  return (
    <>
      <YearInput name="yearFrom" label="From year" value={from} invalid={invalid} />
      <YearInput name="yearTo" label="To year" value={to} invalid={invalid} />
    </>
  );
}

function YearInput(props: { name: string; label: string; value?: number; invalid: object }) {
  return (
    <input
      className="input year"
      name={props.name}
      type="number"
      min="1870"
      max="2100"
      placeholder={props.label}
      aria-label={props.label}
      defaultValue={props.value}
      {...props.invalid}
    />
  );
}
