"""One module per publisher format; each lands in `watchlists.model.WatchlistEntry`."""
