/*
 * regsim.h - the public API of libregsim, an agent-based simulation engine
 * for cooperation between municipalities.
 *
 *   rs_scenario_load()  read and validate a scenario (scenario.h)
 *   rs_batch_run()      run it in parallel and write HDF5 results (batch.h)
 *   rs_model_get()      the model: mechanisms, parameters, series (model.h)
 *   rs_param_*()        the parameter registry (param.h)
 *   rs_error            how every function reports failure (error.h)
 */
#ifndef REGSIM_H
#define REGSIM_H

#include "regsim/error.h"
#include "regsim/param.h"
#include "regsim/scenario.h"
#include "regsim/model.h"
#include "regsim/batch.h"

#define REGSIM_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif
const char *rs_version(void);
const char *rs_git_commit(void);
#ifdef __cplusplus
}
#endif
#endif
