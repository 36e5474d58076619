export function GenreSelect({ genres, value }: { genres: string[]; value?: string }) {
  return (
    <select className="input" name="genre" defaultValue={value ?? ''} aria-label="Genre">
      <option value="">All genres</option>
      {genres.map((g) => (
        <option key={g} value={g}>
          {g}
        </option>
      ))}
    </select>
  );
}
