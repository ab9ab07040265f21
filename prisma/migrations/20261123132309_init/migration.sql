-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VIEWER', 'EDITOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED');

-- CreateEnum
CREATE TYPE "RunKind" AS ENUM ('NETWORK', 'FRACTAL_LANDSCAPE', 'ESCAPE', 'PHASE_DIAGRAM');

-- CreateEnum
CREATE TYPE "AnalysisStatus" AS ENUM ('PENDING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "projectId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("projectId","userId")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sweep" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "experimentId" UUID,
    "name" TEXT NOT NULL,
    "kind" "RunKind" NOT NULL,
    "baseConfig" JSONB NOT NULL,
    "grid" JSONB NOT NULL,
    "replicates" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "experimentId" UUID,
    "sweepId" UUID,
    "name" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "kind" "RunKind" NOT NULL,
    "config" JSONB NOT NULL,
    "model" TEXT,
    "dataset" TEXT,
    "optimizer" TEXT,
    "learningRate" DOUBLE PRECISION,
    "batchSize" INTEGER,
    "depth" INTEGER,
    "shortcut" BOOLEAN,
    "loss" TEXT,
    "seed" INTEGER,
    "parameterCount" INTEGER,
    "codeVersion" TEXT,
    "backend" TEXT,
    "device" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notes" TEXT,
    "summary" JSONB,
    "lastStep" INTEGER NOT NULL DEFAULT -1,
    "error" TEXT,
    "workerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StepSeriesChunk" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "fromStep" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "dtype" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StepSeriesChunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SeriesSummary" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scheme" TEXT NOT NULL,
    "buckets" INTEGER NOT NULL,
    "steps" INTEGER NOT NULL,
    "payload" BYTEA NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SeriesSummary_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrajectoryChunk" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "fromStep" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "d" INTEGER NOT NULL,
    "dtype" TEXT NOT NULL,
    "sketchSeed" INTEGER,
    "sourceDim" INTEGER,
    "blobKey" TEXT NOT NULL,
    "byteLength" INTEGER NOT NULL,
    "checksum" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrajectoryChunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "shape" INTEGER[],
    "dtype" TEXT NOT NULL,
    "data" BYTEA,
    "blobKey" TEXT,
    "checksum" TEXT NOT NULL,
    "meta" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalysisResult" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "estimator" TEXT NOT NULL,
    "estimatorVersion" TEXT NOT NULL,
    "paramsHash" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "AnalysisStatus" NOT NULL DEFAULT 'PENDING',
    "error" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalysisResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalysisScalar" (
    "id" BIGSERIAL NOT NULL,
    "resultId" BIGINT NOT NULL,
    "runId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "window" INTEGER NOT NULL DEFAULT -1,
    "value" DOUBLE PRECISION NOT NULL,
    "stdErr" DOUBLE PRECISION,
    "ciLower" DOUBLE PRECISION,
    "ciUpper" DOUBLE PRECISION,
    "ciLevel" DOUBLE PRECISION,

    CONSTRAINT "AnalysisScalar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalysisCurve" (
    "id" BIGSERIAL NOT NULL,
    "resultId" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "window" INTEGER NOT NULL DEFAULT -1,
    "tw" INTEGER,
    "x" BYTEA NOT NULL,
    "y" BYTEA NOT NULL,
    "yLower" BYTEA,
    "yUpper" BYTEA,
    "meta" JSONB,

    CONSTRAINT "AnalysisCurve_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Comment" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "runId" UUID,
    "authorId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedView" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "token" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "note" TEXT,
    "runIds" TEXT[],
    "estimatorVersions" JSONB NOT NULL,
    "chartSettings" JSONB NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SavedView_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_userId_idx" ON "ApiKey"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_slug_key" ON "Project"("slug");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_projectId_name_key" ON "Experiment"("projectId", "name");

-- CreateIndex
CREATE INDEX "Sweep_projectId_idx" ON "Sweep"("projectId");

-- CreateIndex
CREATE INDEX "Run_projectId_createdAt_idx" ON "Run"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_projectId_status_idx" ON "Run"("projectId", "status");

-- CreateIndex
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");

-- CreateIndex
CREATE INDEX "Run_projectId_model_idx" ON "Run"("projectId", "model");

-- CreateIndex
CREATE INDEX "Run_projectId_dataset_idx" ON "Run"("projectId", "dataset");

-- CreateIndex
CREATE INDEX "Run_projectId_learningRate_idx" ON "Run"("projectId", "learningRate");

-- CreateIndex
CREATE INDEX "Run_projectId_batchSize_idx" ON "Run"("projectId", "batchSize");

-- CreateIndex
CREATE INDEX "Run_projectId_depth_idx" ON "Run"("projectId", "depth");

-- CreateIndex
CREATE INDEX "Run_tags_idx" ON "Run" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Run_config_idx" ON "Run" USING GIN ("config" jsonb_path_ops);

-- CreateIndex
CREATE UNIQUE INDEX "StepSeriesChunk_runId_name_fromStep_key" ON "StepSeriesChunk"("runId", "name", "fromStep");

-- CreateIndex
CREATE UNIQUE INDEX "SeriesSummary_runId_name_scheme_buckets_key" ON "SeriesSummary"("runId", "name", "scheme", "buckets");

-- CreateIndex
CREATE INDEX "TrajectoryChunk_runId_fromStep_idx" ON "TrajectoryChunk"("runId", "fromStep");

-- CreateIndex
CREATE UNIQUE INDEX "TrajectoryChunk_runId_seq_key" ON "TrajectoryChunk"("runId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_runId_name_step_key" ON "Artifact"("runId", "name", "step");

-- CreateIndex
CREATE UNIQUE INDEX "AnalysisResult_runId_estimator_estimatorVersion_paramsHash_key" ON "AnalysisResult"("runId", "estimator", "estimatorVersion", "paramsHash");

-- CreateIndex
CREATE INDEX "AnalysisScalar_name_window_value_idx" ON "AnalysisScalar"("name", "window", "value");

-- CreateIndex
CREATE INDEX "AnalysisScalar_runId_name_idx" ON "AnalysisScalar"("runId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "AnalysisScalar_resultId_name_window_key" ON "AnalysisScalar"("resultId", "name", "window");

-- CreateIndex
CREATE UNIQUE INDEX "AnalysisCurve_resultId_name_window_key" ON "AnalysisCurve"("resultId", "name", "window");

-- CreateIndex
CREATE INDEX "Comment_runId_createdAt_idx" ON "Comment"("runId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SavedView_token_key" ON "SavedView"("token");

-- CreateIndex
CREATE INDEX "SavedView_projectId_idx" ON "SavedView"("projectId");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sweep" ADD CONSTRAINT "Sweep_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepSeriesChunk" ADD CONSTRAINT "StepSeriesChunk_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SeriesSummary" ADD CONSTRAINT "SeriesSummary_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrajectoryChunk" ADD CONSTRAINT "TrajectoryChunk_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisResult" ADD CONSTRAINT "AnalysisResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisScalar" ADD CONSTRAINT "AnalysisScalar_resultId_fkey" FOREIGN KEY ("resultId") REFERENCES "AnalysisResult"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisScalar" ADD CONSTRAINT "AnalysisScalar_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisCurve" ADD CONSTRAINT "AnalysisCurve_resultId_fkey" FOREIGN KEY ("resultId") REFERENCES "AnalysisResult"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedView" ADD CONSTRAINT "SavedView_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedView" ADD CONSTRAINT "SavedView_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
