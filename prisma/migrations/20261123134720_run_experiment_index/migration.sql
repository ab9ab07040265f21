-- CreateIndex
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");
