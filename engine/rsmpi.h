/*
 * rsmpi.h - the MPI batch (engine/mpi.c), present when built with MPI.
 */
#ifndef REGSIM_RSMPI_H
#define REGSIM_RSMPI_H
#include "regsim/regsim.h"

#ifdef REGSIM_HAVE_MPI
/* Was this process started by an MPI launcher (mpirun, srun)? */
int rs_mpi_launched(void);
/* MPI initialised with more than one rank. */
int rs_mpi_active(void);
int rs_mpi_rank(void);
/* The batch over all ranks: rank 0 writes, the others compute. */
rs_status rs_mpi_batch_run(const rs_scenario *sc, const rs_batch_opts *opts, rs_batch_report *rep,
                           rs_error *err, volatile int *stop);
#endif
#endif
