#!/usr/bin/env Rscript
# example.R - read a regsim results file in R with hdf5r (Debian: r-cran-hdf5r)
# and print the mean of net_value in the last month per variant.
#
# usage: Rscript tools/example.R RESULTS.h5 [SERIES]
# Exit status 0 on success, 1 on failure (missing package, file, series).
#
# hdf5r shows datasets with R's column-major dimension order, so a
# (run, month) series reads as a month x run matrix.  Only completed runs
# (root attribute runs_completed) are used.

main <- function(args) {
  if (length(args) < 1 || length(args) > 2) stop("usage: Rscript tools/example.R RESULTS.h5 [SERIES]")
  path <- args[[1]]
  series <- if (length(args) == 2) args[[2]] else "net_value"
  suppressPackageStartupMessages(library(hdf5r))
  if (!file.exists(path)) stop(sprintf("%s: no such file", path))
  f <- H5File$new(path, mode = "r")
  on.exit(f$close_all(), add = TRUE)
  if (!("regsim_format" %in% h5attr_names(f))) stop(sprintf("%s: not a regsim results file", path))
  done <- as.integer(h5attr(f, "runs_completed"))
  total <- as.integer(h5attr(f, "runs_total"))
  if (done < total)
    warning(sprintf("%s is incomplete: %d of %d runs; using the completed ones", path, done, total))
  if (done < 1) stop(sprintf("%s: no completed runs", path))
  if (!f$exists(series)) stop(sprintf("%s: no series '%s'", path, series))

  x <- f[[series]][, seq_len(done), drop = FALSE]          # month x run
  last <- x[nrow(x), ]                                      # last month of every run
  variant_index <- f[["design/variant"]][seq_len(done)]     # 0-based, per run
  variant_name <- f[["variant_name"]][]
  variant <- factor(variant_name[variant_index + 1], levels = variant_name)

  means <- tapply(last, variant, mean)
  runs <- tapply(last, variant, length)
  cat(sprintf("%s: scenario \"%s\", %d runs, %d months\n", path, h5attr(f, "scenario"), done, nrow(x)))
  cat(sprintf("mean of %s in month %d per variant:\n", series, nrow(x)))
  for (v in names(means)) {
    if (!is.na(runs[[v]])) cat(sprintf("%s\t%d\t%.17g\n", v, runs[[v]], means[[v]]))
  }
  invisible(0)
}

status <- tryCatch({
  main(commandArgs(trailingOnly = TRUE))
  0L
}, error = function(e) {
  message("example.R: error: ", conditionMessage(e))
  1L
})
quit(status = status, save = "no")
