export const metadata = { title: 'About & credits' };

export default function AboutPage() {
  return (
    <article style={{ maxWidth: 760 }}>
      <h1>About Reel</h1>
      <p>
        Reel recommends movies from your ratings: collaborative filtering over everyone&apos;s ratings, content
        similarity (genres, cast, directors, keywords, plot) and popularity, blended into one For You feed.
      </p>
      <h2>Data credits</h2>
      <p>
        <strong>MovieLens.</strong> Ratings, tags and the movie list come from the MovieLens data sets by GroupLens
        Research, University of Minnesota: F. Maxwell Harper and Joseph A. Konstan. 2015.{' '}
        <em>The MovieLens Datasets: History and Context.</em> ACM Transactions on Interactive Intelligent Systems (TiiS)
        5, 4: 19:1–19:19. <a href="https://doi.org/10.1145/2827872">https://doi.org/10.1145/2827872</a>. The data is
        used under its research terms; neither the University of Minnesota nor GroupLens endorses this product. Reel
        does not redistribute the data: each installation loads it from its own copy.
      </p>
      <p>
        <strong>TMDB.</strong> Movie metadata (overviews, cast, directors, keywords, posters) comes from The Movie
        Database (<a href="https://www.themoviedb.org">themoviedb.org</a>), as collected in &ldquo;The Movies
        Dataset&rdquo; (Rounak Banik, CC0). This product uses the TMDB API but is not endorsed or certified by TMDB.
      </p>
    </article>
  );
}
