/** One search box for movies and people, in the nav on every page (a plain GET form: works before hydration). */
export function NavSearch({ defaultValue }: { defaultValue?: string }) {
  return (
    <form className="nav-search" action="/search" role="search">
      <label htmlFor="nav-search-q" className="sr-only">
        Search movies and people
      </label>
      <input
        id="nav-search-q"
        className="input"
        type="search"
        name="q"
        placeholder="Search movies, people…"
        defaultValue={defaultValue}
        autoComplete="off"
        enterKeyHint="search"
        data-testid="nav-search"
      />
    </form>
  );
}
