/*
 * version.c - version and the git commit this build was made from
 * (REGSIM_GIT_COMMIT, set by CMake at configure time).
 */
#include "regsim/regsim.h"

#ifndef REGSIM_GIT_COMMIT
#define REGSIM_GIT_COMMIT "unknown"
#endif

const char *rs_version(void) { return REGSIM_VERSION; }
const char *rs_git_commit(void) { return REGSIM_GIT_COMMIT; }
