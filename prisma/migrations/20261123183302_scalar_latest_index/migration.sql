-- CreateIndex
CREATE INDEX "AnalysisScalar_name_window_runId_id_value_idx" ON "AnalysisScalar"("name", "window", "runId", "id" DESC, "value");
